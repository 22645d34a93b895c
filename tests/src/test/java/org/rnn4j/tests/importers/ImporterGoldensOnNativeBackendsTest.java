package org.rnn4j.tests.importers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Activation;
import org.rnn4j.Backend;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.importers.GoldenFixture;
import org.rnn4j.importers.KerasImporter;
import org.rnn4j.importers.PyTorchImporter;
import org.rnn4j.reference.ReferenceBackend;
import org.rnn4j.testkit.Compare;
import org.rnn4j.testkit.Tolerance;
import org.rnn4j.tests.TestBackends;

/**
 * The importers' golden fixtures (real PyTorch modules with PyTorch's float32 outputs; Keras-layout files with a
 * float64 transcription of the Keras cell equations, see docs/importers.md) on every native backend: the imported
 * weights must reproduce the golden outputs, and agree with the float64 reference on the same weights. An
 * unavailable backend is skipped with its reason unless {@link TestBackends#REQUIRE} names it.
 */
class ImporterGoldensOnNativeBackendsTest {
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();

    /** One fixture: its weight file, how it is imported, and the spec that must be inferred from the file alone. */
    record Golden(String file, RnnSpec spec, boolean pytorch) {
        String stem() { return file.substring(0, file.lastIndexOf('.')); }
    }

    static final List<Golden> GOLDENS = List.of(
            new Golden("torch_lstm_l2_bidi.safetensors", RnnSpec.builder(new Cell.Lstm()).inputSize(3).hiddenSize(4).layers(2)
                    .direction(Direction.BIDIRECTIONAL_CONCAT).build(), true),
            new Golden("torch_lstmp_l2.safetensors", RnnSpec.builder(new Cell.Lstm().withProjection(2)).inputSize(3).hiddenSize(5)
                    .layers(2).build(), true),
            new Golden("torch_gru_bidi.safetensors", RnnSpec.builder(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3)
                    .hiddenSize(4).direction(Direction.BIDIRECTIONAL_CONCAT).build(), true),
            new Golden("torch_rnn_relu_l2_nobias.safetensors", RnnSpec.builder(new Cell.Rnn(Activation.RELU)).inputSize(3).hiddenSize(4)
                    .layers(2).build(), true),
            new Golden("torch_gru_f16.safetensors", RnnSpec.builder(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3)
                    .hiddenSize(4).build(), true),
            new Golden("torch_rnn_tanh_bf16.safetensors", RnnSpec.builder(new Cell.Rnn(Activation.TANH)).inputSize(3).hiddenSize(4)
                    .build(), true),
            new Golden("keras3_lstm.keras", RnnSpec.builder(new Cell.Lstm()).inputSize(3).hiddenSize(4).build(), false),
            new Golden("keras3_gru_bidi.keras", RnnSpec.builder(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3)
                    .hiddenSize(3).direction(Direction.BIDIRECTIONAL_CONCAT).build(), false),
            new Golden("keras2_gru_reset_before.h5", RnnSpec.builder(new Cell.Gru(Cell.ResetMode.RESET_BEFORE)).inputSize(3)
                    .hiddenSize(4).build(), false),
            new Golden("keras2_lstm_l2.h5", RnnSpec.builder(new Cell.Lstm()).inputSize(3).hiddenSize(3).layers(2).build(), false));

    @TestFactory
    Stream<DynamicNode> importedWeightsReproduceTheGoldensOnEveryNativeBackend() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Backend b : TestBackends.nativeBackends()) {
            List<DynamicTest> tests = new ArrayList<>();
            for (Golden g : GOLDENS) tests.add(DynamicTest.dynamicTest(g.file(), () -> check(b, g)));
            nodes.add(DynamicContainer.dynamicContainer(b.name(), tests));
        }
        return nodes.stream();
    }

    /**
     * How far a float32 backend may be from the golden outputs. PyTorch fixtures: PyTorch itself computed in float32
     * with its default init |w| ≤ 1/√H, which is exactly the setting {@link Tolerance#of} bounds; the golden carries
     * PyTorch's error and the backend its own, each within that bound, so their difference is within twice it. Keras
     * fixtures: the golden is float64 (error ≈ 1e-15), so only the backend's error counts, but the weights are
     * uniform in ±0.6 rather than ±1/√H (0.6 > 1/√3): Tolerance.of's term bound K/√H + 2 becomes 0.6·K + 2, i.e.
     * {@code 4·u·K·(0.6·K + 2)·L}, floor 1e-5, as in Tolerance.of. For these fixtures all of this is 1e-5 … 1e-4;
     * a wrong gate order, bias split or direction gives errors of O(0.1).
     */
    static Tolerance goldenTolerance(Golden g) {
        // Steps are not part of the fixture's spec; 5 or more steps give the 1e-5 floor these bounds were set with.
        if (g.pytorch()) return Tolerance.of(g.spec(), FLOOR_STEPS).times(2);
        return Tolerance.of(g.spec(), FLOOR_STEPS, 0.6);
    }

    private static final int FLOOR_STEPS = 5;

    /** Backend vs the float64 reference on the same imported weights: the cross-backend suite's bound, widened for Keras' ±0.6 weights as above. */
    static Tolerance referenceTolerance(Golden g) {
        return g.pytorch() ? Tolerance.of(g.spec(), FLOOR_STEPS) : goldenTolerance(g);
    }

    private static RnnWeights importWeights(Golden g, GoldenFixture f) {
        try {
            if (!g.pytorch()) return KerasImporter.load(GoldenFixture.resource(g.file()), null);
            PyTorchImporter importer = PyTorchImporter.create();
            if (!f.meta().get("prefix").equals("-")) importer = importer.withKeyPrefix(f.meta().get("prefix"));
            if ("relu".equals(f.meta().get("nonlinearity"))) importer = importer.withRnnNonlinearity(Activation.RELU);
            return importer.read(GoldenFixture.resource(g.file()), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(Backend backend, Golden g) {
        TestBackends.assumeAvailable(backend);
        GoldenFixture f = GoldenFixture.load(g.stem());
        RnnWeights w = importWeights(g, f);
        assertEquals(g.spec(), w.spec(), g.file() + ": inferred spec");
        int[] xd = f.dims("x");
        RnnInput.Builder in = RnnInput.builder(f.floats("x"), Layout.TIME_MAJOR, xd[0], xd[1]).initialH(f.floats("h0"));
        if (f.floats("c0") != null) in.initialC(f.floats("c0"));
        RnnInput input = in.build();
        RnnOutput got;
        try (PreparedRnn rnn = backend.prepare(w.spec(), w)) {
            got = rnn.forward(input);
        }
        RnnOutput reference;
        try (PreparedRnn rnn = REFERENCE.prepare(w.spec(), w)) {
            reference = rnn.forward(input);
        }
        String where = g.file() + " [" + w.spec().caseName() + "] on " + backend.name();
        Tolerance tol = goldenTolerance(g);
        assertClose(where + " vs golden", "y", f.doubles("y"), got.y(), tol);
        assertClose(where + " vs golden", "h_n", f.doubles("hn"), got.hFinal(), tol);
        if (f.doubles("cn") != null) assertClose(where + " vs golden", "c_n", f.doubles("cn"), got.cFinal(), tol);
        Compare.assertOutputsClose(where + " vs reference", reference, got, referenceTolerance(g));
    }

    private static void assertClose(String where, String tensor, double[] expected, float[] actual, Tolerance tol) {
        if (actual == null) fail(where + ": " + tensor + " not computed");
        assertEquals(expected.length, actual.length, where + ": " + tensor + " length");
        int worst = -1;
        double worstDiff = 0;
        int bad = 0;
        for (int i = 0; i < expected.length; i++) {
            if (tol.accepts(expected[i], actual[i])) continue;
            bad++;
            double diff = Double.isFinite(actual[i]) ? Math.abs(actual[i] - expected[i]) : Double.POSITIVE_INFINITY;
            if (worst < 0 || diff > worstDiff) {
                worst = i;
                worstDiff = diff;
            }
        }
        if (bad > 0) {
            fail(where + ": " + tensor + " differs at " + bad + " of " + expected.length + " elements; worst [" + worst + "] expected "
                    + expected[worst] + " got " + actual[worst] + " (|diff| " + worstDiff + ", tolerance " + tol.atol() + " + "
                    + tol.rtol() + "·|expected|)");
        }
    }
}
