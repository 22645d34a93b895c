package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

/** The argument array and element addresses {@link CudaKernels} hands the driver, built and read back in host memory. */
class KernelParamsTest {
    private record FakeBuffer(long count) implements GpuOps.Buffer {}

    @Test
    void eachSlotPointsAtTheArgumentValueInItsCType() {
        GpuOps.Buffer buffer = new FakeBuffer(100);
        Object[] args = {buffer.at(3), null, 7, 2.5f};
        try (PointerScope scope = new PointerScope()) {
            PointerPointer<Pointer> params = CudaKernels.kernelParams(GpuOps.Kernel.RNN_STEP, args, r -> 0x10000 + 4 * r.offset());
            assertEquals(0x10000 + 12, new LongPointer(params.get(Pointer.class, 0)).get(), "device address + 4·offset, 8 bytes");
            assertEquals(0L, new LongPointer(params.get(Pointer.class, 1)).get(), "NULL pointer");
            assertEquals(7, new IntPointer(params.get(Pointer.class, 2)).get(), "int");
            assertEquals(2.5f, new FloatPointer(params.get(Pointer.class, 3)).get(), "float");
        }
    }

    @Test
    void aJavaCppPointerPassesTheDeviceAddressItHolds() {
        try (PointerScope scope = new PointerScope()) {
            Pointer device = new Pointer() { { address = 0x20000; } }; // a device address, never dereferenced here
            Pointer halfway = CudaGpuOps.byteAt(device, 6); // three halves in: the native path's second direction
            PointerPointer<Pointer> params = CudaKernels.kernelParams(GpuOps.Kernel.SUM_DIRECTIONS_HALF,
                    new Object[] {device, halfway, 6}, null);
            assertEquals(0x20000, new LongPointer(params.get(Pointer.class, 0)).get());
            assertEquals(0x20006, new LongPointer(params.get(Pointer.class, 1)).get());
            assertEquals(6, new IntPointer(params.get(Pointer.class, 2)).get());
        }
    }

    @Test
    void aRefWithoutAnAddressFunctionIsRefused() {
        try (PointerScope scope = new PointerScope()) {
            Object[] args = {new FakeBuffer(4).at(0)};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CudaKernels.kernelParams(GpuOps.Kernel.SUM_DIRECTIONS, args, null));
            assertEquals("SUM_DIRECTIONS: argument of type org.rnn4j.cudnn.GpuOps$Ref", e.getMessage());
        }
    }

    @Test
    void anElementOffsetIsFourBytesPerElementFromTheBase() {
        try (FloatPointer host = new FloatPointer(0f, 1f, 2f, 3f, 4f)) {
            Pointer third = CudaGpuOps.elementAt(host, 3);
            assertEquals(host.address() + 12, third.address());
            assertEquals(0, third.position());
            assertEquals(3f, new FloatPointer(third).get());
        }
    }

    @Test
    void anArgumentOfAnotherTypeIsRefusedNamingTheKernel() {
        try (PointerScope scope = new PointerScope()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CudaKernels.kernelParams(GpuOps.Kernel.GRU_STEP, new Object[] {1.5}, r -> 0));
            assertEquals("GRU_STEP: argument of type java.lang.Double", e.getMessage());
        }
    }
}
