package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.onnx.OnnxTensor;

/**
 * {@code rnn4j run --weights}: the importers' golden fixtures (copied from java-api's test resources by the build)
 * run on the reference backend through the command line ({@link RunWeightsBadInputTest}: every class of bad input).
 */
class RunWeightsTest {
    @TempDir Path tmp;

    /** A golden text fixture: {@code key: value} lines and {@code name dims=a,b: v v ...} arrays (row-major, exact). */
    record Golden(Map<String, String> meta, Map<String, double[]> arrays, Map<String, long[]> dims) {
        static Golden load(String name) {
            Golden g = new Golden(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
            try {
                for (String line : Files.readAllLines(fixture(name + ".txt"), StandardCharsets.UTF_8)) {
                    String head = line.substring(0, line.indexOf(": "));
                    String body = line.substring(line.indexOf(": ") + 2);
                    int sp = head.indexOf(" dims=");
                    if (sp < 0) {
                        g.meta.put(head, body);
                        continue;
                    }
                    g.arrays.put(head.substring(0, sp), Arrays.stream(body.trim().split(" ")).mapToDouble(Double::parseDouble).toArray());
                    g.dims.put(head.substring(0, sp), Arrays.stream(head.substring(sp + 6).split(",")).mapToLong(Long::parseLong).toArray());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return g;
        }

        float[] floats(String key) {
            double[] d = arrays.get(key);
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) f[i] = (float) d[i]; // exact: the inputs are float32 values
            return f;
        }

        OnnxTensor tensor(String key) { return OnnxTensor.ofFloats(key, floats(key), dims.get(key)); }
    }

    static Path fixture(String file) {
        try {
            var url = RunWeightsTest.class.getResource("/importers/" + file);
            if (url == null) throw new IllegalStateException("missing importers/" + file + " (cli/pom.xml copies java-api's fixtures)");
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path write(String name, OnnxTensor t) throws IOException {
        return write(tmp, name, t);
    }

    /** Writes {@code t} into {@code dir} as {@code .npy} or raw ONNX tensor bytes, by the name's extension. */
    static Path write(Path dir, String name, OnnxTensor t) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, name.endsWith(".npy") ? Npy.encode(t) : t.toBytes());
        return p;
    }

    private static OnnxTensor read(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        return p.toString().endsWith(".npy") ? Npy.decode(b, "t", p.toString()) : OnnxTensor.parse(b, p.toString());
    }

    /**
     * PyTorch computed the goldens in float32 with |w| ≤ 1/√H and inputs in [−1, 1]; the reference is float64, so the
     * difference is PyTorch's float32 error: 4·u·K·(K/√H + 2)·L (×2 with projection), floor 1e-5 — the bound
     * derived in java-api's importer OutputCheck. For these tiny fixtures it is 1e-5 … 5e-5; a wrong gate order,
     * bias or direction gives O(0.1).
     */
    static double pytorchTolerance(int k, int hidden, int layers, boolean projection) {
        return Math.max(1e-5, 4 * 0x1.0p-24 * k * (k / Math.sqrt(hidden) + 2) * layers * (projection ? 2 : 1));
    }

    private static void assertClose(String what, double[] expected, OnnxTensor got, long[] dims, double tol) {
        assertArrayEquals(dims, got.dims(), what + " dims");
        float[] g = got.floats();
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(g[i] - expected[i]) <= tol + tol * Math.abs(expected[i]),
                    what + "[" + i + "]: expected " + expected[i] + " but was " + g[i] + " (tolerance " + tol + ")");
        }
    }

    static String[] args(Object... parts) {
        return Arrays.stream(parts).map(String::valueOf).toArray(String[]::new);
    }

    @Test
    void pytorchStackedBidirectionalLstmFromNpyToNpy() throws IOException {
        Golden g = Golden.load("torch_lstm_l2_bidi");
        Path out = tmp.resolve("out");
        MainTest.Result r = MainTest.rnn4j(args("run", "--weights", fixture("torch_lstm_l2_bidi.safetensors"), "--format", "pytorch",
                "--key-prefix", "rnn.", "--x", write("x.npy", g.tensor("x")), "--h0", write("h0.npy", g.tensor("h0")),
                "--c0", write("c0.npy", g.tensor("c0")), "--y", out.resolve("y.npy"), "--hn", out.resolve("h_n.npy"),
                "--cn", out.resolve("c_n.npy"), "--backend", "reference"));
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("lstm,l2,i3,h4,bidi_concat") && r.out().contains("on reference: wrote 3 output(s)"), r.out());
        double tol = pytorchTolerance(2 * 4 + 4, 4, 2, false); // K = max over layers of I' + S: layer 1 reads 2·S
        assertClose("y", g.arrays().get("y"), read(out.resolve("y.npy")), g.dims().get("y"), tol);
        assertClose("h_n", g.arrays().get("hn"), read(out.resolve("h_n.npy")), g.dims().get("hn"), tol);
        assertClose("c_n", g.arrays().get("cn"), read(out.resolve("c_n.npy")), g.dims().get("cn"), tol);
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of("c_n.npy", "h_n.npy", "y.npy"), s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
        }
    }

    /** GRU (linear before reset), batch-major X and Y as TensorProto files; spec flags that fit the file are accepted. */
    @Test
    void pytorchGruBatchMajorFromPbToPbWithMatchingSpecFlags() throws IOException {
        Golden g = Golden.load("torch_gru_bidi");
        long[] xd = g.dims().get("x");
        float[] x = g.floats("x");
        int t = (int) xd[0], n = (int) xd[1], c = (int) xd[2];
        float[] xb = new float[x.length];
        for (int i = 0; i < t; i++) for (int j = 0; j < n; j++) System.arraycopy(x, (i * n + j) * c, xb, (j * t + i) * c, c);
        Path out = tmp.resolve("out");
        MainTest.Result r = MainTest.rnn4j(args("run", "--weights", fixture("torch_gru_bidi.safetensors"), "--cell", "gru-lbr",
                "--input-size", 3, "--hidden-size", 4, "--layers", 1, "--direction", "bidi-concat", "--layout", "ntc",
                "--x", write("x.pb", OnnxTensor.ofFloats("X", xb, n, t, c)), "--h0", write("h0.pb", g.tensor("h0")),
                "--y", out.resolve("y.pb"), "--hn", out.resolve("h_n.pb"), "--backend", "reference"));
        assertEquals(0, r.status(), r.err());
        double[] y = g.arrays().get("y");
        int yc = 8;
        double[] yb = new double[y.length];
        for (int i = 0; i < t; i++) for (int j = 0; j < n; j++) System.arraycopy(y, (i * n + j) * yc, yb, (j * t + i) * yc, yc);
        double tol = pytorchTolerance(3 + 4, 4, 1, false);
        assertClose("y", yb, read(out.resolve("y.pb")), new long[] {n, t, yc}, tol);
        assertClose("h_n", g.arrays().get("hn"), read(out.resolve("h_n.pb")), g.dims().get("hn"), tol);
    }

    /**
     * A one-layer bidirectional file cannot tell concat from sum (only a next layer's input width could), so
     * {@code --direction bidi-sum} runs it: Y is the sum of the two halves of PyTorch's concatenated Y.
     */
    @Test
    void aOneLayerBidirectionalPyTorchFileRunsAsBidirectionalSum() throws IOException {
        Golden g = Golden.load("torch_gru_bidi");
        Path out = tmp.resolve("out");
        MainTest.Result r = MainTest.rnn4j(args("run", "--weights", fixture("torch_gru_bidi.safetensors"), "--direction", "bidi-sum",
                "--x", write("x.npy", g.tensor("x")), "--h0", write("h0.npy", g.tensor("h0")), "--y", out.resolve("y.npy"),
                "--backend", "reference"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("gru_lbr,l1,i3,h4,bidi_sum"), r.out());
        long[] yd = g.dims().get("y");
        int rows = (int) (yd[0] * yd[1]), h = (int) yd[2] / 2;
        double[] concat = g.arrays().get("y");
        float[] sum = read(out.resolve("y.npy")).floats();
        assertEquals(rows * h, sum.length);
        // Each half carries PyTorch's float32 error (pytorchTolerance, relative part included); the sum carries both.
        double tol = pytorchTolerance(3 + 4, 4, 1, false);
        for (int row = 0; row < rows; row++) {
            for (int j = 0; j < h; j++) {
                double a = concat[row * 2 * h + j], b = concat[row * 2 * h + h + j];
                double bound = tol * (2 + Math.abs(a) + Math.abs(b));
                assertTrue(Math.abs(sum[row * h + j] - (a + b)) <= bound,
                        "y[" + row + ", " + j + "]: expected " + (a + b) + " but was " + sum[row * h + j] + " (tolerance " + bound + ")");
            }
        }
    }

    /** nn.RNN's nonlinearity is not in the state dict: --cell rnn-relu reproduces PyTorch, the default (tanh) does not. */
    @Test
    void rnnNonlinearityComesFromTheCellFlag() throws IOException {
        Golden g = Golden.load("torch_rnn_relu_l2_nobias");
        Path x = write("x.npy", g.tensor("x"));
        Path h0 = write("h0.npy", g.tensor("h0"));
        double tol = pytorchTolerance(4 + 4, 4, 2, false);
        MainTest.Result relu = MainTest.rnn4j(args("run", "--weights", fixture("torch_rnn_relu_l2_nobias.safetensors"), "--cell", "rnn-relu",
                "--x", x, "--h0", h0, "--y", tmp.resolve("relu.npy"), "--backend", "reference"));
        assertEquals(0, relu.status(), relu.err());
        assertClose("y", g.arrays().get("y"), read(tmp.resolve("relu.npy")), g.dims().get("y"), tol);
        MainTest.Result tanh = MainTest.rnn4j(args("run", "--weights", fixture("torch_rnn_relu_l2_nobias.safetensors"),
                "--x", x, "--h0", h0, "--y", tmp.resolve("tanh.npy"), "--backend", "reference"));
        assertEquals(0, tanh.status(), tanh.err());
        float[] got = read(tmp.resolve("tanh.npy")).floats();
        double worst = 0;
        for (int i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - g.arrays().get("y")[i]));
        assertTrue(worst > 0.01, "tanh instead of relu should differ clearly, max diff " + worst);
    }

    /**
     * Keras reset_after=False GRU (reset before), expected from a float64 transcription of the Keras equations; gru
     * and gru-rb name the same cell.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gru-rb", "gru"})
    void kerasResetBeforeGru(String cell) throws IOException {
        Golden g = Golden.load("keras2_gru_reset_before");
        MainTest.Result r = MainTest.rnn4j(args("run", "--weights", fixture("keras2_gru_reset_before.h5"), "--cell", cell,
                "--x", write("x.npy", g.tensor("x")), "--h0", write("h0.npy", g.tensor("h0")), "--y", tmp.resolve("y.npy"),
                "--hn", tmp.resolve("h_n.npy"), "--backend", "reference"));
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        // float64 against float64, then rounded to float32 once: 2^-24 relative (plus summation-order noise).
        double tol = 0x1.0p-24 * (1 + 1e-6);
        assertClose("y", g.arrays().get("y"), read(tmp.resolve("y.npy")), g.dims().get("y"), tol);
        assertClose("h_n", g.arrays().get("hn"), read(tmp.resolve("h_n.npy")), g.dims().get("hn"), tol);
    }

    /** int64 lengths from NumPy: steps at or past a sequence's length give zero output, and h_n is its last output. */
    @Test
    void sequenceLengthsCutSequences() throws IOException {
        Golden g = Golden.load("torch_lstmp_l2");
        long[] xd = g.dims().get("x");
        Path lengths = tmp.resolve("len.npy");
        Files.write(lengths, NpyTest.resource("i8_3.npy")); // [3, 0, 2]: needs N = 3, so build a 3-sequence X
        float[] x = new float[(int) (xd[0] * 3 * xd[2])];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
        MainTest.Result r = MainTest.rnn4j(args("run", "--weights", fixture("torch_lstmp_l2.safetensors"),
                "--x", write("x.npy", OnnxTensor.ofFloats("x", x, xd[0], 3, xd[2])), "--lengths", lengths,
                "--y", tmp.resolve("y.npy"), "--hn", tmp.resolve("h.npy"), "--backend", "reference"));
        assertEquals(0, r.status(), r.err());
        float[] y = read(tmp.resolve("y.npy")).floats();
        float[] h = read(tmp.resolve("h.npy")).floats();
        int s = 2; // proj_size
        int[] len = {3, 0, 2};
        for (int t = 0; t < xd[0]; t++) {
            for (int n = 0; n < 3; n++) {
                for (int k = 0; k < s; k++) {
                    float v = y[(t * 3 + n) * s + k];
                    if (t >= len[n]) assertEquals(0f, v, "y[t=" + t + ", n=" + n + "] past the length");
                    if (len[n] > 0 && t == len[n] - 1) assertEquals(v, h[(1 * 3 + n) * s + k], "h_n of layer 1 = last output of n=" + n);
                }
            }
        }
    }

    /**
     * jhdf logs through slf4j; without a provider slf4j prints a three-line warning to System.err on first use, which
     * would break the one-line stderr contract of every Keras run. The CLI therefore carries a (silent) provider.
     */
    @Test
    void anSlf4jProviderIsOnTheClassPath() {
        assertTrue(java.util.ServiceLoader.load(org.slf4j.spi.SLF4JServiceProvider.class).findFirst().isPresent(),
                "no slf4j provider: add org.slf4j:slf4j-nop to the CLI");
    }
}
