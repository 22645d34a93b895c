package org.rnn4j.importers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnn4j.importers.Messages.assertMessage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
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

    /** Opens a file whose header is {@code header} (then 48 zero bytes of data) and returns the refusal. */
    private IllegalArgumentException refused(String header) throws IOException {
        Path f = SafetensorsWriter.writeRaw(dir.resolve("h.safetensors"), header, 48);
        return assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(f).close(), header);
    }

    private static String entry(String shape, String offsets) {
        return "{\"w\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
    }

    @Test
    void shapeNumbersMustBePlainNonNegativeIntegers() throws IOException {
        assertMessage(refused(entry("[4.9,3]", "[0,48]")), "h.safetensors", "w.shape[0]: expected a non-negative integer but was 4.9");
        assertMessage(refused(entry("[4,-3]", "[0,48]")), "w.shape[1]: expected a non-negative integer but was -3");
        assertMessage(refused(entry("[12e0]", "[0,48]")), "w.shape[0]: expected a non-negative integer but was 12e0");
        assertMessage(refused(entry("[\"4\",3]", "[0,48]")), "w.shape[0]: expected a non-negative integer but was STRING");
    }

    @Test
    void numbersPastTheirRangeAreRejectedNotWrapped() throws IOException {
        assertMessage(refused(entry("[18446744073709551620,3]", "[0,48]")),
                "w.shape[0]: expected an integer up to 9223372036854775807 but was 18446744073709551620");
        assertMessage(refused(entry("[2147483648,1]", "[0,48]")), "w.shape[0]: expected at most 2147483647 but was 2147483648");
        assertMessage(refused(entry("[2147483647,2147483647,2147483647]", "[0,48]")), "needs more than 2^63 bytes", "span 48");
        assertMessage(refused(entry("[12]", "[0,18446744073709551664]")),
                "w.data_offsets[1]: expected an integer up to 9223372036854775807 but was 18446744073709551664");
    }

    @Test
    void offsetsThatAreNotIntegersAreNamedNotANumberFormatException() throws IOException {
        assertMessage(refused(entry("[12]", "[\"zero\",48]")), "w.data_offsets[0]: expected a non-negative integer but was STRING");
        assertMessage(refused(entry("[12]", "[0,48,96]")), "w.data_offsets: expected [begin, end] but has 3 numbers");
        assertMessage(refused(entry("[12]", "{\"begin\":0}")), "w.data_offsets: expected an array of integers but was BEGIN_OBJECT");
    }

    @Test
    void theHeaderMustBeStrictJson() throws IOException {
        assertMessage(refused("{w:{\"dtype\":\"F32\",\"shape\":[12],\"data_offsets\":[0,48]}}"),
                "h.safetensors", "header: expected strict JSON but found malformed JSON at line 1 column 3");
        assertMessage(refused("{\"w\":{\"dtype\":\"F32\";\"shape\":[12];\"data_offsets\":[0,48]}}"), "malformed JSON", "path $.w.dtype");
        assertMessage(refused(entry("[12]", "[0,48]") + " trailing"), "malformed JSON");
        assertMessage(refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[12],\"data_offsets\":[0,48]}"), "the end of the header");
        assertMessage(refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[12,],\"data_offsets\":[0,48]}}"), "malformed JSON");
        Path latin1 = SafetensorsWriter.writeRaw(dir.resolve("latin1.safetensors"),
                "{\"\u00e9\":{\"dtype\":\"F32\",\"shape\":[12],\"data_offsets\":[0,48]}}".getBytes(StandardCharsets.ISO_8859_1), 48);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(latin1)), "header: expected UTF-8");
    }

    @Test
    void duplicateKeysAreRejectedNotLastWins() throws IOException {
        String w = "{\"dtype\":\"F32\",\"shape\":[12],\"data_offsets\":[0,48]}";
        assertMessage(refused("{\"w\":" + w + ",\"w\":" + w + "}"), "header: expected distinct keys but 'w' appears twice");
        assertMessage(refused("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[12],\"data_offsets\":[0,48]}}"),
                "w: expected distinct keys but 'dtype' appears twice");
        assertMessage(refused("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"},\"w\":" + w + "}"),
                "__metadata__: expected distinct keys but 'a' appears twice");
    }

    @Test
    void aWellFormedHeaderWithMetadataAndPaddingStillOpens() throws IOException {
        // The format pads the header with spaces to a multiple of 8 bytes.
        Path f = SafetensorsWriter.writeRaw(dir.resolve("ok.safetensors"),
                "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[3,4],\"data_offsets\":[0,48]}}   ", 48);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertArrayEquals(new int[] {3, 4}, s.read("w").shape());
        }
    }

    /** A file with one tensor entry and {@code dataBytes} of data, sparse (zeros cost no disk); returns the data start. */
    private static long sparse(Path file, String dtype, long elements, long dataBytes) throws IOException {
        byte[] header = ("{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + elements + "],\"data_offsets\":[0," + dataBytes + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            f.write(header);
            f.setLength(8 + header.length + dataBytes);
        }
        return 8 + header.length;
    }

    private static void putF64(Path file, long at, double v) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array());
        }
    }

    @Test
    void anF64TensorOfMoreThan2GiBIsReadIntoOneFloatArray() throws IOException {
        long n = (1L << 28) + 1; // 2 GiB + 8 bytes of F64, 1 GiB as float32
        Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() > (3L << 29), "needs a heap of 1.5 GiB");
        Path f = dir.resolve("big.safetensors");
        long start = sparse(f, "F64", n, 8 * n);
        putF64(f, start, 1.5);
        putF64(f, start + 8 * 131071, -2.5); // the last element of the first 1 MiB chunk
        putF64(f, start + 8 * 131072, 0.1); // the first of the second
        putF64(f, start + 8 * (n - 1), 7.0);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            float[] v = s.read("t").data();
            assertEquals(n, v.length);
            assertEquals(1.5f, v[0]);
            assertEquals(-2.5f, v[131071]);
            assertEquals(0.1f, v[131072]);
            assertEquals(0f, v[(int) (n / 2)]);
            assertEquals(7f, v[(int) (n - 1)]);
        }
    }

    @Test
    void tensorsSpanningSeveralReadChunksKeepEveryValue() throws IOException {
        float[] ramp = SafetensorsWriter.ramp(600_000, 0.5f); // 2.3 chunks of F32
        ByteBuffer half = ByteBuffer.allocate(2 * 600_000).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 600_000; i++) half.putShort((short) (i % 1024 + 0x3c00)); // 1 + (i mod 1024)/1024, exact in F16
        Path f = new SafetensorsWriter().f32("a", ramp, 600_000).raw("h", "F16", half.array(), 600_000).write(dir.resolve("chunks.safetensors"));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertArrayEquals(ramp, s.read("a").data());
            float[] h = s.read("h").data();
            for (int i = 0; i < h.length; i++) assertEquals(1 + (i % 1024) / 1024f, h[i], "h[" + i + "]");
        }
    }

    @Test
    void moreElementsThanAJavaArrayHoldsAreRefusedWithATrueMessage() throws IOException {
        Path f = dir.resolve("huge.safetensors");
        sparse(f, "F32", Integer.MAX_VALUE - 7, 4L * (Integer.MAX_VALUE - 7));
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertMessage(assertThrows(IllegalArgumentException.class, () -> s.read("t")),
                    "t: shape [2147483640] holds 2147483640 elements but one Java float array holds at most 2147483639");
        }
    }

    @Test
    void aTensorLargerThanTheHeapIsRefusedBeforeItIsAllocated() throws IOException {
        long n = Integer.MAX_VALUE - 8;
        Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() < 4 * n, "the heap holds 8 GiB: nothing to refuse");
        Path f = dir.resolve("heap.safetensors");
        sparse(f, "F32", n, 4 * n);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertMessage(assertThrows(IllegalArgumentException.class, () -> s.read("t")),
                    "t: shape [2147483639] needs 8589934556 bytes as float32, more than this JVM's maximum heap");
        }
    }
}
