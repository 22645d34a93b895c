package org.rnn4j.tests.importers;

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
 * A golden text fixture of the importers ({@code java-api/src/test/resources/importers/*.txt}, copied onto this
 * module's test class path by the build): {@code key: value} lines and {@code name dims=a,b: v v ...} arrays,
 * row-major, values printed exactly. Immutable after parsing.
 */
record GoldenFile(String name, Map<String, String> meta, Map<String, double[]> arrays, Map<String, int[]> dims) {

    /** A fixture file from the test class path, e.g. {@code torch_gru_bidi.safetensors}. */
    static Path resource(String file) {
        URL url = GoldenFile.class.getResource("/importers/" + file);
        if (url == null) {
            throw new IllegalStateException("missing test resource importers/" + file
                    + " (tests/pom.xml copies java-api/src/test/resources/importers at generate-test-resources)");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static GoldenFile load(String name) {
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
                String[] ds = head.substring(sp + 6).split(",");
                int[] shape = new int[ds.length];
                int count = 1;
                for (int i = 0; i < ds.length; i++) count *= shape[i] = Integer.parseInt(ds[i]);
                String[] vs = body.trim().split(" ");
                if (vs.length != count) throw new IllegalStateException(name + " " + head + ": " + vs.length + " values for " + count);
                double[] v = new double[count];
                for (int i = 0; i < count; i++) v[i] = Double.parseDouble(vs[i]);
                arrays.put(head.substring(0, sp), v);
                dims.put(head.substring(0, sp), shape);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GoldenFile(name, meta, arrays, dims);
    }

    /** The array as float: exact, since every input in the fixtures is a float32 value; null when absent. */
    float[] floats(String key) {
        double[] d = arrays.get(key);
        if (d == null) return null;
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    double[] doubles(String key) { return arrays.get(key); }

    int[] dims(String key) { return dims.get(key); }
}
