package org.rnn4j.importers;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.rnn4j.RnnSpec;

/**
 * A safetensors file opened for reading: the header is parsed at open, tensors are read on demand, so unrelated
 * entries of a big state dict (other dtypes, huge embeddings) cost nothing. Single-threaded; close it.
 *
 * <p>Format (https://github.com/huggingface/safetensors, "Format"): an unsigned 64-bit little-endian header length
 * N, N bytes of UTF-8 JSON {@code {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {..}}},
 * then the data; offsets are relative to the first byte after the header, tensors are row-major little-endian.
 */
final class SafetensorsFile implements AutoCloseable {
    /** The format caps the header at 100 MB to bound what a malicious file can make a reader allocate. */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    /** A multiple of every element width. */
    private static final int READ_CHUNK_BYTES = 1 << 20;
    private static final Pattern NATURAL = Pattern.compile("0|[1-9][0-9]*");
    private static final String ENTRY_FORM = "{\"dtype\": str, \"shape\": [int], \"data_offsets\": [begin, end]}";

    record Entry(String name, String dtype, int[] shape, long begin, long end) {}

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
    }

    static SafetensorsFile open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (size < 8) throw bad(file, "expected at least the 8-byte header length but the file has " + size + " bytes");
            ByteBuffer len = readFully(ch, 0, 8);
            long n = len.order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n <= 0 || n > MAX_HEADER_BYTES || n > size - 8) {
                throw bad(file, "header length: expected 1.." + Math.min(MAX_HEADER_BYTES, size - 8) + " bytes but was " + n
                        + " (not a safetensors file?)");
            }
            String json;
            try {
                json = StandardCharsets.UTF_8.newDecoder().decode(readFully(ch, 8, (int) n)).toString();
            } catch (CharacterCodingException e) {
                throw bad(file, "header: expected UTF-8 but found " + e);
            }
            Map<String, Entry> entries = parseHeader(file, json, size - 8 - n);
            return new SafetensorsFile(file, ch, 8 + n, entries);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Parses the header as strict JSON (RFC 8259: no unquoted keys, comments or other separators), refusing what a
     * lenient parser would guess at: duplicate keys, and shape or offset numbers that are not plain non-negative
     * integers in range ({@code 4.9}, {@code -1}, {@code 1e3}, {@code 18446744073709551620}).
     */
    private static Map<String, Entry> parseHeader(Path file, String json, long dataBytes) {
        JsonReader r = new JsonReader(new StringReader(json));
        r.setStrictness(Strictness.STRICT);
        try {
            if (r.peek() != JsonToken.BEGIN_OBJECT) throw bad(file, "header: expected a JSON object but was " + r.peek());
            Map<String, Entry> out = new LinkedHashMap<>();
            Set<String> keys = new HashSet<>();
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                if (!keys.add(name)) throw bad(file, "header: expected distinct keys but '" + name + "' appears twice");
                if (name.equals("__metadata__")) {
                    readMetadata(file, r);
                } else {
                    out.put(name, readEntry(file, r, name, dataBytes));
                }
            }
            r.endObject();
            r.peek(); // strict: anything but whitespace after the object is malformed
            return Collections.unmodifiableMap(out);
        } catch (IOException | IllegalStateException e) { // malformed JSON, early end, a token of another kind
            throw bad(file, "header: expected strict JSON but found " + gsonReason(e));
        }
    }

    /** Gson's message without its advice to parse leniently (which this reader must not) and its troubleshooting link. */
    private static String gsonReason(Exception e) {
        String m = String.valueOf(e.getMessage());
        int see = m.indexOf("\nSee ");
        if (see >= 0) m = m.substring(0, see);
        return m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON")
                .replace("End of input", "the end of the header");
    }

    /** {@code "__metadata__"}: a map of strings to strings, per the format. */
    private static void readMetadata(Path file, JsonReader r) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) throw bad(file, "__metadata__: expected a JSON object but was " + r.peek());
        Set<String> keys = new HashSet<>();
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            if (!keys.add(key)) throw bad(file, "__metadata__: expected distinct keys but '" + key + "' appears twice");
            string(file, r, "__metadata__." + key);
        }
        r.endObject();
    }

    private static Entry readEntry(Path file, JsonReader r, String name, long dataBytes) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) throw bad(file, name + ": expected " + ENTRY_FORM + " but was " + r.peek());
        String dtype = null;
        long[] dims = null;
        long[] offsets = null;
        Set<String> keys = new HashSet<>();
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            if (!keys.add(key)) throw bad(file, name + ": expected distinct keys but '" + key + "' appears twice");
            switch (key) {
                case "dtype": dtype = string(file, r, name + ".dtype"); break;
                case "shape": dims = naturals(file, r, name + ".shape"); break;
                case "data_offsets": offsets = naturals(file, r, name + ".data_offsets"); break;
                default: r.skipValue(); break;
            }
        }
        r.endObject();
        for (String key : List.of("dtype", "shape", "data_offsets")) {
            if (!keys.contains(key)) throw bad(file, name + ": expected " + ENTRY_FORM + " but " + key + " is missing");
        }
        if (offsets.length != 2) {
            throw bad(file, name + ".data_offsets: expected [begin, end] but has " + offsets.length + " numbers");
        }
        int[] shape = new int[dims.length];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            if (dims[i] > Integer.MAX_VALUE) {
                throw bad(file, name + ".shape[" + i + "]: expected at most " + Integer.MAX_VALUE + " but was " + dims[i]);
            }
            shape[i] = (int) dims[i];
            elements = saturatedProduct(elements, dims[i]);
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin || end > dataBytes) {
            throw bad(file, name + ": data_offsets [" + begin + ", " + end + "] expected within [0, " + dataBytes + "]");
        }
        int width = dtypeWidth(dtype);
        long bytes = saturatedProduct(elements, width);
        if (width > 0 && end - begin != bytes) {
            throw bad(file, name + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + (bytes == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(bytes)) + " bytes but data_offsets span " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** {@code a·b} for a, b ≥ 0, or {@link Long#MAX_VALUE} where that overflows (a later factor 0 still gives 0). */
    private static long saturatedProduct(long a, long b) {
        if (a == 0 || b == 0) return 0;
        return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }

    private static String string(Path file, JsonReader r, String what) throws IOException {
        if (r.peek() != JsonToken.STRING) throw bad(file, what + ": expected a string but was " + r.peek());
        return r.nextString();
    }

    /** An array of integers 0 … 2^63−1, written as plain digits (JSON allows 4.0, 4e0 and -0 too; the format does not). */
    private static long[] naturals(Path file, JsonReader r, String what) throws IOException {
        if (r.peek() != JsonToken.BEGIN_ARRAY) throw bad(file, what + ": expected an array of integers but was " + r.peek());
        List<Long> values = new ArrayList<>();
        r.beginArray();
        while (r.hasNext()) {
            String at = what + "[" + values.size() + "]";
            if (r.peek() != JsonToken.NUMBER) throw bad(file, at + ": expected a non-negative integer but was " + r.peek());
            String literal = r.nextString();
            if (!NATURAL.matcher(literal).matches()) {
                throw bad(file, at + ": expected a non-negative integer but was " + literal);
            }
            try {
                values.add(Long.parseLong(literal));
            } catch (NumberFormatException e) {
                throw bad(file, at + ": expected an integer up to " + Long.MAX_VALUE + " but was " + literal);
            }
        }
        r.endArray();
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /** Bytes per element of the dtypes this reader converts to float; 0 for every other dtype. */
    private static int dtypeWidth(String dtype) {
        switch (dtype) {
            case "F32": return 4;
            case "F16": case "BF16": return 2;
            case "F64": return 8;
            default: return 0;
        }
    }

    Set<String> names() { return entries.keySet(); }

    Entry entry(String name) { return entries.get(name); }

    /**
     * Reads tensor {@code name} as float32 (F16/BF16 exactly, F64 rounded to nearest), a chunk at a time straight into
     * the result, so the tensor's byte size (8 per F64 element) is not bounded by one buffer's 2 GiB.
     */
    FloatTensor read(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) throw bad(file, name + ": expected a tensor of that name but the file has none");
        int width = dtypeWidth(e.dtype);
        if (width == 0) throw bad(file, name + ": expected dtype F32, F16, BF16 or F64 but was " + e.dtype);
        long count = (e.end - e.begin) / width;
        if (count > RnnSpec.MAX_ARRAY_ELEMENTS) {
            throw bad(file, name + ": shape " + Arrays.toString(e.shape) + " holds " + count + " elements but one Java float array"
                    + " holds at most " + RnnSpec.MAX_ARRAY_ELEMENTS);
        }
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (count * Float.BYTES > maxHeap) {
            throw bad(file, name + ": shape " + Arrays.toString(e.shape) + " needs " + count * Float.BYTES + " bytes as float32,"
                    + " more than this JVM's maximum heap of " + maxHeap);
        }
        float[] out = new float[(int) count];
        ByteBuffer b = ByteBuffer.allocate(READ_CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        double[] doubles = e.dtype.equals("F64") ? new double[READ_CHUNK_BYTES / 8] : null;
        short[] halves = width == 2 ? new short[READ_CHUNK_BYTES / 2] : null;
        long position = dataStart + e.begin;
        for (int i = 0; i < out.length; ) {
            int n = Math.min(READ_CHUNK_BYTES / width, out.length - i);
            b.clear().limit(n * width);
            readFully(channel, position, b);
            position += (long) n * width;
            b.flip();
            // Bulk gets through typed views: element-wise getDouble() made a 2 GiB F64 tensor several times slower.
            switch (e.dtype) {
                case "F32":
                    b.asFloatBuffer().get(out, i, n);
                    break;
                case "F64":
                    b.asDoubleBuffer().get(doubles, 0, n);
                    for (int k = 0; k < n; k++) out[i + k] = (float) doubles[k];
                    break;
                case "BF16":
                    b.asShortBuffer().get(halves, 0, n);
                    for (int k = 0; k < n; k++) out[i + k] = Float.intBitsToFloat((halves[k] & 0xffff) << 16);
                    break;
                default:
                    b.asShortBuffer().get(halves, 0, n);
                    for (int k = 0; k < n; k++) out[i + k] = halfToFloat(halves[k]);
                    break;
            }
            i += n;
        }
        return new FloatTensor(name, e.shape, out);
    }

    /** IEEE 754 binary16 → binary32, exact (every half value is a float). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp != 0) return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
        float sub = mant * 0x1.0p-24f; // subnormal: mant · 2^-24, exact in float
        return sign != 0 ? -sub : sub;
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        return readFully(ch, position, ByteBuffer.allocate(length)).flip();
    }

    /** Fills {@code b}, cleared, up to its limit with the bytes from {@code position} of the file on. */
    private static ByteBuffer readFully(FileChannel ch, long position, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) throw new IOException("unexpected end of file at byte " + (position + b.position()));
        }
        return b;
    }

    private static IllegalArgumentException bad(Path file, String what) {
        return new IllegalArgumentException("safetensors " + file + ": " + what);
    }

    String source() { return file.toString(); }

    @Override public void close() throws IOException { channel.close(); }
}
