package org.rnn4j.cudnn;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.rnn4j.Layout;
import org.rnn4j.RnnInput;

/**
 * The host side of one native-path copy ({@link NativeIo}): floats (and the int32 sequence lengths) at element
 * offsets. Either a region of the context's pinned buffer, written and read through NIO views, or pageable memory of
 * the call, written and read through JavaCPP pointer copies — a direct buffer view cannot span more than 2 GiB,
 * and a pageable copy may be larger (up to the {@link org.rnn4j.RnnSpec#MAX_ARRAY_ELEMENTS} floats of one tensor
 * plus the others). Used by one call.
 */
sealed interface HostStage {
    /** The host address of element 0, for {@code cudaMemcpyAsync}. */
    Pointer address();

    /** Packs the caller's X into cuDNN's x layout from element 0 ({@link SequenceStaging#packX}). */
    void packX(SequenceStaging staging, RnnInput in, int inputSize);

    void put(long at, float[] values);

    void put(long at, int[] values);

    float[] get(long at, long count);

    /** Y as the caller wants it, from cuDNN's {@code [maxT, N, channels]} at element {@code at}. */
    float[] unpackY(SequenceStaging staging, long at, long count, Layout layout, int channels);

    /**
     * {@code count} floats: the context's pinned buffer where they fit {@code pinnedLimit} bytes and
     * {@code cudaMallocHost} gives them, else pageable memory that the caller's pointer scope frees.
     */
    static HostStage of(PinnedBuffer pinned, long count, long pinnedLimit) {
        ByteBuffer bytes = 4 * count <= pinnedLimit ? pinned.ensure(4 * count) : null;
        return bytes != null ? new Pinned(pinned.address(), bytes) : new Pageable(new FloatPointer(count));
    }

    /** At most {@link PinnedBuffer#MAX_LIMIT_MIB} MiB, so one NIO view covers it. */
    record Pinned(Pointer address, ByteBuffer bytes) implements HostStage {
        private FloatBuffer floats() { return bytes.asFloatBuffer(); }

        @Override
        public void packX(SequenceStaging staging, RnnInput in, int inputSize) {
            staging.packX(in.x(), in.layout(), inputSize, floats());
        }

        @Override
        public void put(long at, float[] values) { floats().put(Math.toIntExact(at), values); }

        @Override
        public void put(long at, int[] values) { bytes.asIntBuffer().put(Math.toIntExact(at), values); }

        @Override
        public float[] get(long at, long count) {
            float[] out = new float[Math.toIntExact(count)];
            floats().get(Math.toIntExact(at), out);
            return out;
        }

        @Override
        public float[] unpackY(SequenceStaging staging, long at, long count, Layout layout, int channels) {
            return staging.unpackY(floats().slice(Math.toIntExact(at), Math.toIntExact(count)), layout, channels);
        }
    }

    /** Any size: each tensor goes through a Java array (X and Y are Java-array sized, so each one fits). */
    record Pageable(FloatPointer address) implements HostStage {
        @Override
        public void packX(SequenceStaging staging, RnnInput in, int inputSize) {
            put(0, staging.packX(in.x(), in.layout(), inputSize));
        }

        @Override
        public void put(long at, float[] values) { new FloatPointer(address).position(at).put(values); }

        @Override
        public void put(long at, int[] values) { new IntPointer(address).position(at).put(values); }

        @Override
        public float[] get(long at, long count) {
            float[] out = new float[Math.toIntExact(count)];
            new FloatPointer(address).position(at).get(out);
            return out;
        }

        @Override
        public float[] unpackY(SequenceStaging staging, long at, long count, Layout layout, int channels) {
            return staging.unpackY(get(at, count), layout, channels);
        }
    }
}
