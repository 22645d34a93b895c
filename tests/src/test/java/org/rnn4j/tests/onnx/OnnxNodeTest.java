package org.rnn4j.tests.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.onnx.OnnxRnnModel;
import org.rnn4j.onnx.OnnxTensor;
import org.rnn4j.tests.TestBackends;

/**
 * The 18 public ONNX backend node tests for RNN, LSTM and GRU, on every installed backend. Data come from the test
 * resources ({@code onnx-node-tests/}, listed in its {@code index.txt}).
 *
 * <p>Pass rule (the ONNX node-test rule, see the README next to the data): for every element
 * {@code |got - expected| <= 1e-4 + 1e-4·|expected|}, shapes equal, NaN or Inf never pass.
 *
 * <p>A backend whose probe says unavailable is skipped with the probe's reason, unless its name is listed in the
 * comma-separated system property {@code rnn4j.test.requireBackends}: then its tests fail with that reason.
 */
class OnnxNodeTest {
    private static final String ROOT = "/onnx-node-tests/";
    private static final double ATOL = 1e-4;
    private static final double RTOL = 1e-4;

    static List<String> nodeTests() {
        try (InputStream in = resource("index.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void all18NodeTestsArePresent() {
        List<String> tests = nodeTests();
        assertEquals(18, tests.size(), "node tests in index.txt: " + tests);
        for (String t : tests) assertTrue(OnnxNodeTest.class.getResource(ROOT + t + "/model.onnx") != null, t + "/model.onnx");
    }

    @Test
    void theReferenceIsInstalled() {
        List<String> installed = Backends.all().stream().map(Backend::name).collect(Collectors.toList());
        assertTrue(installed.contains("reference"), "the reference backend must always be installed; installed: " + installed);
    }

    /**
     * Backend-independent check of the importer on every node test: inputs bind, and the outputs built from a
     * backend result have exactly the expected names and dims.
     */
    @TestFactory
    Stream<DynamicTest> everyNodeTestBindsAndHasTheExpectedOutputShapes() {
        return nodeTests().stream().map(test -> DynamicTest.dynamicTest(test, () -> {
            OnnxRnnModel model = OnnxRnnModel.parse(bytes(test + "/model.onnx"), test + "/model.onnx");
            List<OnnxTensor> expected = tensors(test, "output", model.outputNames().size());
            List<OnnxTensor> got = model.run(new ZeroBackend(), tensors(test, "input", model.inputNames().size()));
            for (int k = 0; k < expected.size(); k++) {
                assertEquals(expected.get(k).name(), got.get(k).name(), test + " output " + k);
                assertArrayEquals(expected.get(k).dims(), got.get(k).dims(), test + " output " + k + " dims");
            }
        }));
    }

    @TestFactory
    Stream<DynamicNode> nodeTestsOnEveryBackend() {
        List<String> tests = nodeTests();
        return Backends.all().stream().map(backend -> DynamicContainer.dynamicContainer(backend.name(),
                tests.stream().map(test -> DynamicTest.dynamicTest(test + " on " + backend.name(), () -> run(backend, test)))));
    }

    private static void run(Backend backend, String test) throws IOException {
        TestBackends.assumeAvailable(backend);
        OnnxRnnModel model = OnnxRnnModel.parse(bytes(test + "/model.onnx"), test + "/model.onnx");
        List<OnnxTensor> inputs = tensors(test, "input", model.inputNames().size());
        List<OnnxTensor> expected = tensors(test, "output", model.outputNames().size());
        List<OnnxTensor> got = model.run(backend, inputs);
        assertEquals(expected.size(), got.size(), test + ": output count");
        for (int k = 0; k < expected.size(); k++) {
            assertClose(test + " on " + backend.name() + ", output " + k + " '" + model.outputNames().get(k) + "'",
                    expected.get(k), got.get(k));
        }
    }

    static void assertClose(String where, OnnxTensor expected, OnnxTensor got) {
        assertClose(where, expected, got, ATOL, RTOL);
    }

    static void assertClose(String where, OnnxTensor expected, OnnxTensor got, double atol, double rtol) {
        assertArrayEquals(expected.dims(), got.dims(), where + ": dims");
        float[] e = expected.floats();
        float[] g = got.floats();
        int bad = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < e.length; i++) {
            double diff = Math.abs((double) g[i] - e[i]);
            // Written so that NaN fails: NaN <= x is false. Inf - finite is Inf and fails too.
            if (!(diff <= atol + rtol * Math.abs(e[i]))) {
                if (bad++ < 5) first.append(String.format(" [%d] expected %s got %s;", i, e[i], g[i]));
            }
        }
        if (bad > 0) {
            fail(where + ": " + bad + " of " + e.length + " elements outside " + atol + " + " + rtol + "·|expected| (dims "
                    + Arrays.toString(expected.dims()) + "):" + first);
        }
    }

    /** {@code prefix_K.pb} for K in [0, count); one more would mean the data and the model disagree. */
    private static List<OnnxTensor> tensors(String test, String prefix, int count) throws IOException {
        List<OnnxTensor> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            String path = test + "/test_data_set_0/" + prefix + "_" + k + ".pb";
            out.add(OnnxTensor.parse(bytes(path), path));
        }
        assertEquals(null, OnnxNodeTest.class.getResource(ROOT + test + "/test_data_set_0/" + prefix + "_" + count + ".pb"),
                test + ": more " + prefix + " files than the model has " + prefix + "s (" + count + ")");
        return out;
    }

    private static byte[] bytes(String path) throws IOException {
        try (InputStream in = resource(path)) {
            return in.readAllBytes();
        }
    }

    private static InputStream resource(String path) {
        InputStream in = OnnxNodeTest.class.getResourceAsStream(ROOT + path);
        if (in == null) throw new IllegalStateException("missing test resource " + ROOT + path);
        return in;
    }
}
