package org.rnn4j.importers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A text fixture written by {@code make_fixtures.py}: {@code key: value} lines and {@code name dims=a,b: v v ...}
 * arrays (row-major, values printed exactly). Immutable after parsing.
 */
public record GoldenFixture(String name, Map<String, String> meta, Map<String, double[]> arrays, Map<String, int[]> dims) {

    public static Path resource(String file) {
        URL url = GoldenFixture.class.getResource("/importers/" + file);
        if (url == null) throw new IllegalStateException("missing test resource importers/" + file + " (run make_fixtures.py)");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static GoldenFixture load(String name) {
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, double[]> arrays = new LinkedHashMap<>();
        Map<String, int[]> dims = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(resource(name + ".txt"), StandardCharsets.UTF_8)) {
                int colon = line.indexOf(": ");
                String head = line.substring(0, colon);
                String body = line.substring(colon + 2);
                int sp = head.indexOf(" dims=");
                if (sp < 0) {
                    meta.put(head, body);
                    continue;
                }
                String key = head.substring(0, sp);
                String[] ds = head.substring(sp + 6).split(",");
                int[] shape = new int[ds.length];
                int count = 1;
                for (int i = 0; i < ds.length; i++) count *= shape[i] = Integer.parseInt(ds[i]);
                String[] vs = body.trim().split(" ");
                if (vs.length != count) throw new IllegalStateException(name + " " + key + ": " + vs.length + " values for " + count);
                double[] v = new double[count];
                for (int i = 0; i < count; i++) v[i] = Double.parseDouble(vs[i]);
                arrays.put(key, v);
                dims.put(key, shape);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GoldenFixture(name, meta, arrays, dims);
    }

    /** The array as float: exact, since every input in the fixtures is a float32 value. */
    public float[] floats(String key) {
        double[] d = arrays.get(key);
        if (d == null) return null;
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    public double[] doubles(String key) { return arrays.get(key); }

    public int[] dims(String key) { return dims.get(key); }
}
