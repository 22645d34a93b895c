package org.rnn4j.importers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Real PyTorch modules (torch 1.13, {@code make_fixtures.py}): their state dicts imported from safetensors
 * reproduce PyTorch's own float32 outputs on every backend in {@link OutputCheck#BACKENDS}.
 */
class PyTorchGoldenTest {

    /** Fixture name → the spec the importer must infer from the file alone. */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] table = {
            {"torch_lstm_l2_bidi", RnnSpec.builder(new Cell.Lstm()).inputSize(3).hiddenSize(4).layers(2)
                    .direction(Direction.BIDIRECTIONAL_CONCAT).build()},
            {"torch_lstmp_l2", RnnSpec.builder(new Cell.Lstm().withProjection(2)).inputSize(3).hiddenSize(5).layers(2).build()},
            {"torch_gru_bidi", RnnSpec.builder(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3).hiddenSize(4)
                    .direction(Direction.BIDIRECTIONAL_CONCAT).build()},
            {"torch_rnn_relu_l2_nobias", RnnSpec.builder(new Cell.Rnn(Activation.RELU)).inputSize(3).hiddenSize(4).layers(2).build()},
            {"torch_gru_f16", RnnSpec.builder(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3).hiddenSize(4).build()},
            {"torch_rnn_tanh_bf16", RnnSpec.builder(new Cell.Rnn(Activation.TANH)).inputSize(3).hiddenSize(4).build()},
        };
        for (Object[] row : table) {
            for (String backend : OutputCheck.BACKENDS) cases.add(Arguments.of(row[0], row[1], backend));
        }
        return cases.stream();
    }

    private static PyTorchImporter importerFor(GoldenFixture f) {
        PyTorchImporter imp = PyTorchImporter.create();
        String prefix = f.meta().get("prefix");
        if (!prefix.equals("-")) imp = imp.withKeyPrefix(prefix);
        if ("relu".equals(f.meta().get("nonlinearity"))) imp = imp.withRnnNonlinearity(Activation.RELU);
        return imp;
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void importedStateDictReproducesPyTorchOutputs(String name, RnnSpec inferred, String backend) throws IOException {
        GoldenFixture f = GoldenFixture.load(name);
        RnnWeights w = importerFor(f).read(GoldenFixture.resource(name + ".safetensors"), null);
        assertEquals(inferred, w.spec(), name + ": inferred spec");
        OutputCheck.check(backend, f, w, OutputCheck.pytorchFloat32(w.spec()));
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void importingAgainstTheMatchingSpecGivesTheSameResult(String name, RnnSpec inferred, String backend) throws IOException {
        GoldenFixture f = GoldenFixture.load(name);
        RnnSpec withClipAndActivations = RnnSpec.builder(inferred.cell()).inputSize(inferred.inputSize())
                .hiddenSize(inferred.hiddenSize()).layers(inferred.layers()).direction(inferred.direction()).clip(50).build();
        RnnWeights w = importerFor(f).read(GoldenFixture.resource(name + ".safetensors"), withClipAndActivations);
        assertEquals(withClipAndActivations, w.spec(), name + ": the expected spec is kept");
        // A clip of 50 never binds for these pre-activations (|z| ≤ K/√H + 2 < 10): the outputs stay PyTorch's.
        OutputCheck.check(backend, f, w, OutputCheck.pytorchFloat32(w.spec()));
    }
}
