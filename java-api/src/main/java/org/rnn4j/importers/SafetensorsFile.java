package org.rnn4j.importers;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

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
            String json = StandardCharsets.UTF_8.decode(readFully(ch, 8, (int) n)).toString();
            Map<String, Entry> entries = parseHeader(file, json, size - 8 - n);
            return new SafetensorsFile(file, ch, 8 + n, entries);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static Map<String, Entry> parseHeader(Path file, String json, long dataBytes) {
        JsonObject root;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) throw bad(file, "header: expected a JSON object but was " + e.getClass().getSimpleName());
            root = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw bad(file, "header: expected JSON but parsing failed: " + e.getMessage());
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> kv : root.entrySet()) {
            String name = kv.getKey();
            if (name.equals("__metadata__")) continue;
            try {
                JsonObject o = kv.getValue().getAsJsonObject();
                String dtype = o.get("dtype").getAsString();
                JsonArray dims = o.getAsJsonArray("shape");
                int[] shape = new int[dims.size()];
                long elements = 1;
                for (int i = 0; i < shape.length; i++) {
                    long d = dims.get(i).getAsLong();
                    if (d < 0 || d > Integer.MAX_VALUE) throw bad(file, name + ": dimension " + i + " out of range: " + d);
                    shape[i] = (int) d;
                    elements *= d;
                }
                JsonArray off = o.getAsJsonArray("data_offsets");
                long begin = off.get(0).getAsLong();
                long end = off.get(1).getAsLong();
                if (begin < 0 || end < begin || end > dataBytes) {
                    throw bad(file, name + ": data_offsets [" + begin + ", " + end + "] expected within [0, " + dataBytes + "]");
                }
                int width = dtypeWidth(dtype);
                if (width > 0 && end - begin != elements * width) {
                    throw bad(file, name + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs " + elements * width
                            + " bytes but data_offsets span " + (end - begin));
                }
                out.put(name, new Entry(name, dtype, shape, begin, end));
            } catch (IllegalStateException | NullPointerException | UnsupportedOperationException | IndexOutOfBoundsException e) {
                throw bad(file, name + ": expected {\"dtype\": str, \"shape\": [int], \"data_offsets\": [begin, end]} but was "
                        + kv.getValue());
            }
        }
        return Collections.unmodifiableMap(out);
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

    /** Reads tensor {@code name} as float32 (F16/BF16 exactly, F64 rounded to nearest). */
    FloatTensor read(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) throw bad(file, name + ": expected a tensor of that name but the file has none");
        int width = dtypeWidth(e.dtype);
        if (width == 0) throw bad(file, name + ": expected dtype F32, F16, BF16 or F64 but was " + e.dtype);
        long count = (e.end - e.begin) / width;
        if (count > Integer.MAX_VALUE - 8 || e.end - e.begin > Integer.MAX_VALUE) {
            throw bad(file, name + ": " + count + " elements do not fit one Java array");
        }
        ByteBuffer b = readFully(channel, dataStart + e.begin, (int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) count];
        for (int i = 0; i < out.length; i++) {
            switch (e.dtype) {
                case "F32": out[i] = b.getFloat(); break;
                case "F64": out[i] = (float) b.getDouble(); break;
                case "BF16": out[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16); break;
                default: out[i] = halfToFloat(b.getShort()); break;
            }
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
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) throw new IOException("unexpected end of file at byte " + (position + b.position()));
        }
        return b.flip();
    }

    private static IllegalArgumentException bad(Path file, String what) {
        return new IllegalArgumentException("safetensors " + file + ": " + what);
    }

    String source() { return file.toString(); }

    @Override public void close() throws IOException { channel.close(); }
}
