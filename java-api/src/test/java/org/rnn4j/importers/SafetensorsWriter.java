package org.rnn4j.importers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes small safetensors files for tests (F32 data, or raw bytes with any dtype). Single-threaded builder. */
final class SafetensorsWriter {
    private final Map<String, String> headerEntries = new LinkedHashMap<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    SafetensorsWriter f32(String name, float[] values, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return raw(name, "F32", b.array(), shape);
    }

    SafetensorsWriter raw(String name, String dtype, byte[] bytes, int... shape) {
        int begin = data.size();
        data.writeBytes(bytes);
        headerEntries.put(name, "{\"dtype\":\"" + dtype + "\",\"shape\":" + Arrays.toString(shape) + ",\"data_offsets\":["
                + begin + "," + data.size() + "]}");
        return this;
    }

    /** A header entry written verbatim (for malformed-file tests). */
    SafetensorsWriter entry(String name, String json) {
        headerEntries.put(name, json);
        return this;
    }

    Path write(Path file) throws IOException {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        headerEntries.forEach((k, v) -> h.append(",\"").append(k).append("\":").append(v));
        byte[] header = h.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(len.array());
        out.writeBytes(header);
        out.writeBytes(data.toByteArray());
        return Files.write(file, out.toByteArray());
    }

    /** A file with {@code header} written verbatim (any bytes, for malformed-header tests) followed by {@code dataBytes} zeros. */
    static Path writeRaw(Path file, byte[] header, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        return Files.write(file, b.array());
    }

    static Path writeRaw(Path file, String header, int dataBytes) throws IOException {
        return writeRaw(file, header.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    /** 0, 1, 2, … n−1 scaled by {@code scale}: values whose position is readable in a failure. */
    static float[] ramp(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i * scale;
        return v;
    }
}
