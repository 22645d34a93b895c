package org.rnn4j.importers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnn4j.importers.Messages.assertMessage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors container: header parsing, dtype conversion and every malformed-file error. */
class SafetensorsFileTest {
    @TempDir Path dir;


    @Test
    void readsF32TensorsWithTheirShapes() throws IOException {
        Path f = new SafetensorsWriter().f32("a", new float[] {1, 2, 3, 4, 5, 6}, 2, 3).write(dir.resolve("a.safetensors"));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            FloatTensor a = s.read("a");
            assertArrayEquals(new int[] {2, 3}, a.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.data());
        }
    }

    @Test
    void convertsF16Bf16AndF64ToFloat() throws IOException {
        // F16: 1.0 = 0x3c00, -2.0 = 0xc000, smallest subnormal 2^-24 = 0x0001, 65504 = 0x7bff.
        ByteBuffer f16 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x0001).putShort((short) 0x7bff);
        // BF16: the upper half of the float32 bits: 1.5 = 0x3fc0, -0.25 = 0xbe80.
        ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3fc0).putShort((short) 0xbe80);
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-3.0);
        Path f = new SafetensorsWriter().raw("h", "F16", f16.array(), 4).raw("b", "BF16", bf16.array(), 2)
                .raw("d", "F64", f64.array(), 2).write(dir.resolve("dt.safetensors"));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertArrayEquals(new float[] {1f, -2f, 0x1.0p-24f, 65504f}, s.read("h").data());
            assertArrayEquals(new float[] {1.5f, -0.25f}, s.read("b").data());
            assertArrayEquals(new float[] {0.1f, -3f}, s.read("d").data());
        }
    }

    @Test
    void anUnsupportedDtypeFailsOnlyWhenThatTensorIsRead() throws IOException {
        Path f = new SafetensorsWriter().raw("steps", "I64", new byte[8]).f32("w", new float[] {1}, 1)
                .write(dir.resolve("i64.safetensors"));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals(1f, s.read("w").data()[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.read("steps"));
            assertMessage(e, "steps", "F32, F16, BF16 or F64", "I64");
        }
    }

    @Test
    void shapeAndByteCountMustAgree() throws IOException {
        Path f = new SafetensorsWriter().raw("w", "F32", new byte[12], 2, 2).write(dir.resolve("bad.safetensors"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(f));
        assertMessage(e, "w", "[2, 2]", "16 bytes", "12");
    }

    @Test
    void offsetsPastTheEndAreRejected() throws IOException {
        Path f = new SafetensorsWriter().f32("w", new float[] {1}, 1)
                .entry("x", "{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[4,20]}").write(dir.resolve("off.safetensors"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(f));
        assertMessage(e, "x", "data_offsets [4, 20]", "[0, 4]");
    }

    @Test
    void aMalformedEntryIsNamed() throws IOException {
        Path f = new SafetensorsWriter().entry("w", "{\"dtype\":\"F32\"}").write(dir.resolve("entry.safetensors"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(f));
        assertMessage(e, "w", "data_offsets");
    }

    @Test
    void aFileThatIsNotSafetensorsIsRejected() throws IOException {
        Path tiny = Files.write(dir.resolve("tiny"), new byte[] {1, 2, 3});
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(tiny)), "at least the 8-byte header length");
        Path text = Files.writeString(dir.resolve("text"), "this is not a tensor file at all");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(text)), "header length", "not a safetensors file");
        ByteBuffer b = ByteBuffer.allocate(8 + 5).order(ByteOrder.LITTLE_ENDIAN).putLong(5).put("[1,2]".getBytes());
        Path array = Files.write(dir.resolve("array"), b.array());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(array)), "header", "JSON object");
    }
}
