package org.rnn4j.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.RnnSpec;
import org.rnn4j.onnx.OnnxTensor;

/**
 * The NumPy {@code .npy} format, versions 1.0 to 3.0, for the dtypes the CLI exchanges: little-endian float32
 * ({@code <f4}) and int32 ({@code <i4}), plus int64 ({@code <i8}, NumPy's default integer) read into int32 when every
 * value fits. Stateless.
 *
 * <p>Layout (numpy.lib.format, NEP 1): the magic {@code \x93NUMPY}, major and minor version bytes, the header
 * length (uint16 LE in 1.0, uint32 LE in 2.0/3.0), a Python dict literal {@code {'descr': '<f4', 'fortran_order':
 * False, 'shape': (2, 3), }} padded with spaces and a newline so that the data starts at a multiple of 64 bytes, then
 * the raw C-order data. Version 3.0 differs from 2.0 only in allowing a UTF-8 header.
 */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;

    private Npy() {}

    /**
     * Decodes a {@code .npy} file into a float32 or int32 tensor named {@code name}.
     *
     * @throws IllegalArgumentException starting with {@code source}: not .npy, unsupported version or dtype, Fortran
     *     order, malformed header, or a data size that does not match the shape
     */
    static OnnxTensor decode(byte[] bytes, String name, String source) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw bad(source, "expected a NumPy .npy file (magic \\x93NUMPY) but the first bytes are "
                    + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 6))));
        }
        int major = bytes[6] & 0xff;
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = in.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) throw bad(source, "truncated: " + bytes.length + " bytes");
            headerLength = in.getInt(8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw bad(source, "expected .npy format version 1.0, 2.0 or 3.0 but was " + major + "." + (bytes[7] & 0xff));
        }
        if (headerStart + headerLength > bytes.length) {
            throw bad(source, "header length " + headerLength + " runs past the end of the " + bytes.length + "-byte file");
        }
        String header = new String(bytes, headerStart, (int) headerLength, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict = new HeaderParser(header, source).parseDict();
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shapeValue = dict.get("shape");
        if (!(descr instanceof String) || !(fortran instanceof Boolean) || !(shapeValue instanceof long[])) {
            throw bad(source, "header: expected 'descr' (a string), 'fortran_order' (True/False) and 'shape' (a tuple) but was " + header.strip());
        }
        if ((Boolean) fortran) {
            throw bad(source, "expected C order (fortran_order False) but the array is in Fortran order (save np.ascontiguousarray(a))");
        }
        long[] shape = (long[]) shapeValue;
        int itemSize;
        switch ((String) descr) {
            case "<f4": case "<i4": itemSize = 4; break;
            case "<i8": itemSize = 8; break;
            default:
                throw bad(source, "expected dtype '<f4' (float32) or '<i4'/'<i8' (int32/int64) but was '" + descr
                        + "' (convert with a.astype(np.float32))");
        }
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
            if (count > Integer.MAX_VALUE - 8) throw bad(source, "shape " + Arrays.toString(shape) + " holds more elements than a Java array can");
        }
        long dataStart = headerStart + headerLength;
        if (bytes.length - dataStart != count * itemSize) {
            throw bad(source, "shape " + Arrays.toString(shape) + " of " + descr + " needs " + count * itemSize
                    + " data bytes but the file has " + (bytes.length - dataStart));
        }
        in.position((int) dataStart);
        int n = (int) count;
        switch ((String) descr) {
            case "<f4": {
                float[] v = new float[n];
                in.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                return OnnxTensor.ofFloats(name, v, shape).withSource(source);
            }
            case "<i4": {
                int[] v = new int[n];
                in.slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
                return OnnxTensor.ofInts(name, v, shape).withSource(source);
            }
            default: {
                int[] v = new int[n];
                ByteBuffer data = in.slice().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    long x = data.getLong(i * 8);
                    if (x != (int) x) throw bad(source, "int64 element " + i + " = " + x + " does not fit in int32");
                    v[i] = (int) x;
                }
                return OnnxTensor.ofInts(name, v, shape).withSource(source);
            }
        }
    }

    /** Encodes a float32 or int32 tensor as {@code .npy} version 1.0 (2.0 only if the header exceeds 65535 bytes). */
    static byte[] encode(OnnxTensor t) {
        StringBuilder shape = new StringBuilder("(");
        long[] dims = t.dims();
        for (int i = 0; i < dims.length; i++) shape.append(i > 0 ? ", " : "").append(dims[i]);
        if (dims.length == 1) shape.append(',');
        shape.append(')');
        String descr = t.type() == OnnxTensor.ElementType.FLOAT ? "<f4" : "<i4";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int prefix = 10;
        int padded = paddedHeaderLength(prefix, dict.length());
        if (padded > 0xffff) {
            prefix = 12; // version 2.0: a 4-byte header length
            padded = paddedHeaderLength(prefix, dict.length());
        }
        String header = dict + " ".repeat(padded - dict.length() - 1) + "\n";
        long bytes = prefix + padded + 4L * t.elementCount();
        if (bytes > RnnSpec.MAX_ARRAY_ELEMENTS) { // one byte[]
            throw new IllegalArgumentException("tensor '" + t.name() + "': expected at most " + RnnSpec.MAX_ARRAY_ELEMENTS
                    + " bytes of .npy but needs " + bytes + "; write it in parts or as raw floats");
        }
        ByteBuffer out = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (prefix == 10 ? 1 : 2)).put((byte) 0);
        if (prefix == 10) out.putShort((short) padded); else out.putInt(padded);
        out.put(header.getBytes(StandardCharsets.ISO_8859_1));
        if (t.type() == OnnxTensor.ElementType.FLOAT) out.asFloatBuffer().put(t.floats()); else out.asIntBuffer().put(t.ints());
        return out.array();
    }

    /** Header bytes (dict, spaces, newline) so that the data starts at a multiple of 64. */
    private static int paddedHeaderLength(int prefix, int dictLength) {
        return ((prefix + dictLength + 1 + ALIGN - 1) / ALIGN) * ALIGN - prefix;
    }

    private static IllegalArgumentException bad(String source, String what) {
        return new IllegalArgumentException(source + ": " + what);
    }

    /** The subset of Python literal syntax .npy headers use: a dict of str keys to str, bool or tuple-of-int values. */
    private static final class HeaderParser {
        private final String s;
        private final String source;
        private int pos;

        HeaderParser(String s, String source) {
            this.s = s;
            this.source = source;
        }

        Map<String, Object> parseDict() {
            expect('{');
            Map<String, Object> dict = new LinkedHashMap<>();
            while (peek() != '}') {
                String key = string();
                expect(':');
                dict.put(key, value());
                if (peek() == ',') pos++; else break;
            }
            expect('}');
            if (!s.substring(pos).isBlank()) throw error("unexpected text after the dict");
            return dict;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') return string();
            if (c == '(') return tuple();
            if (s.startsWith("True", pos)) { pos += 4; return Boolean.TRUE; }
            if (s.startsWith("False", pos)) { pos += 5; return Boolean.FALSE; }
            throw error("expected a string, True/False or a tuple");
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (peek() != ')') {
                int start = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
                if (start == pos) throw error("expected a non-negative integer dimension");
                try {
                    dims.add(Long.parseLong(s.substring(start, pos)));
                } catch (NumberFormatException e) {
                    throw error("dimension out of range");
                }
                if (peek() == ',') pos++; else break;
            }
            expect(')');
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private String string() {
            char quote = peek();
            if (quote != '\'' && quote != '"') throw error("expected a quoted key");
            int end = s.indexOf(quote, ++pos);
            if (end < 0) throw error("unterminated string");
            String v = s.substring(pos, end);
            pos = end + 1;
            return v;
        }

        private void expect(char c) {
            if (peek() != c) throw error("expected '" + c + "'");
            pos++;
        }

        private char peek() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private IllegalArgumentException error(String what) {
            return bad(source, "malformed .npy header at character " + pos + ": " + what + " in " + s.strip());
        }
    }
}
