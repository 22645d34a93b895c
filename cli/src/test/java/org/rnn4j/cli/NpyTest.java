package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.onnx.OnnxTensor;

/** {@link Npy} against files NumPy wrote ({@code npy/make_npy.py}), and its own output against NumPy's bytes. */
class NpyTest {
    /** {@code np.arange(6, dtype=np.float32).reshape(2, 3) / 4 - 0.5}: exact binary fractions. */
    private static final float[] F = {-0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.75f};

    static byte[] resource(String name) {
        try (InputStream in = NpyTest.class.getResourceAsStream("/npy/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource npy/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OnnxTensor decode(String name) { return Npy.decode(resource(name), "t", name); }

    @ParameterizedTest
    @ValueSource(strings = {"f4_2x3.npy", "f4_2x3_v2.npy", "f4_2x3_v3.npy"})
    void readsFloat32InEveryFormatVersion(String file) {
        OnnxTensor t = decode(file);
        assertEquals(OnnxTensor.ElementType.FLOAT, t.type());
        assertArrayEquals(new long[] {2, 3}, t.dims());
        assertArrayEquals(F, t.floats());
    }

    @Test
    void readsInt32AndInt64IntoInt32() {
        for (String file : new String[] {"i4_3.npy", "i8_3.npy"}) {
            OnnxTensor t = decode(file);
            assertEquals(OnnxTensor.ElementType.INT32, t.type(), file);
            assertArrayEquals(new long[] {3}, t.dims(), file);
            assertArrayEquals(new int[] {3, 0, 2}, t.ints(), file);
        }
    }

    @Test
    void readsScalarsAndEmptyArrays() {
        OnnxTensor s = decode("f4_scalar.npy");
        assertArrayEquals(new long[0], s.dims());
        assertArrayEquals(new float[] {1.5f}, s.floats());
        OnnxTensor e = decode("f4_0x3.npy");
        assertArrayEquals(new long[] {0, 3}, e.dims());
        assertEquals(0, e.elementCount());
    }

    /** The writer's bytes equal NumPy's np.save for the same array: header text, padding to 64 and data. */
    @Test
    void writesExactlyWhatNumPyWrites() {
        assertArrayEquals(resource("f4_2x3.npy"), Npy.encode(OnnxTensor.ofFloats("t", F, 2, 3)));
        assertArrayEquals(resource("i4_3.npy"), Npy.encode(OnnxTensor.ofInts("t", new int[] {3, 0, 2}, 3)));
        assertArrayEquals(resource("f4_scalar.npy"), Npy.encode(OnnxTensor.ofFloats("t", new float[] {1.5f})));
        assertArrayEquals(resource("f4_0x3.npy"), Npy.encode(OnnxTensor.ofFloats("t", new float[0], 0, 3)));
    }

    @Test
    void roundTripsARank3Tensor() {
        float[] v = new float[2 * 3 * 5];
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.sin(i) * 1e3f;
        OnnxTensor back = Npy.decode(Npy.encode(OnnxTensor.ofFloats("t", v, 2, 3, 5)), "t", "mem");
        assertArrayEquals(new long[] {2, 3, 5}, back.dims());
        assertArrayEquals(v, back.floats());
    }

    /** A header longer than 65535 bytes needs version 2.0 (4-byte length); numpy.lib.format does the same. */
    @Test
    void switchesToVersion2ForHugeHeaders() {
        long[] dims = new long[25000]; // "1, " × 25000 > 65535 header bytes
        Arrays.fill(dims, 1);
        byte[] b = Npy.encode(OnnxTensor.ofFloats("t", new float[] {2f}, dims));
        assertEquals(2, b[6]);
        int headerLength = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        assertEquals(0, (12 + headerLength) % 64);
        OnnxTensor back = Npy.decode(b, "t", "mem");
        assertEquals(25000, back.rank());
        assertArrayEquals(new float[] {2f}, back.floats());
    }

    private static void assertRejected(byte[] bytes, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.decode(bytes, "t", "src.npy"));
        assertTrue(e.getMessage().startsWith("src.npy: "), e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
    }

    @Test
    void rejectsWhatItCannotReadExactly() {
        assertRejected(resource("f8_2x3.npy"), "'<f8'", "'<f4'", "astype(np.float32)");
        assertRejected(resource("f4_be_2x3.npy"), "'>f4'");
        assertRejected(resource("f4_fortran_2x3.npy"), "Fortran order", "ascontiguousarray");
        assertRejected(resource("i8_big.npy"), "element 1", "1099511627776", "int32");
    }

    @Test
    void rejectsMalformedFiles() {
        byte[] good = resource("f4_2x3.npy");
        assertRejected("PK\3\4 not numpy".getBytes(StandardCharsets.ISO_8859_1), "magic");
        assertRejected(Arrays.copyOf(good, 8), "magic"); // too short to hold a header length
        assertRejected(Arrays.copyOf(good, good.length - 1), "24 data bytes", "23");
        byte[] extra = Arrays.copyOf(good, good.length + 4);
        assertRejected(extra, "24 data bytes", "28");
        byte[] version = good.clone();
        version[6] = 4;
        assertRejected(version, "version 1.0, 2.0 or 3.0", "4.0");
        byte[] longHeader = good.clone();
        longHeader[8] = (byte) 0xff;
        assertRejected(longHeader, "runs past the end");
        byte[] badShape = good.clone();
        int at = new String(good, StandardCharsets.ISO_8859_1).indexOf("(2, 3)");
        badShape[at + 1] = 'x';
        assertRejected(badShape, "malformed .npy header", "dimension");
        byte[] noDescr = good.clone();
        int d = new String(good, StandardCharsets.ISO_8859_1).indexOf("descr");
        noDescr[d] = 'D';
        assertRejected(noDescr, "expected 'descr'");
    }

    /** 2^29 floats need 2^31 bytes plus the header: more than one byte[] holds; refused by name, not "capacity < 0". */
    @Test
    void aTensorPastOneArrayIsRefusedByName() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() >= 3L << 30,
                "needs a heap of 3 GiB for a 2 GiB array");
        OnnxTensor big = OnnxTensor.ofFloats("Y", new float[1 << 29], 1 << 29);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Npy.encode(big));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("'Y'") && e.getMessage().contains("needs 21474837"), e.getMessage());
    }
}
