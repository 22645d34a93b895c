package org.rnn4j.importers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Keras-layout weight files written with h5py by {@code make_fixtures.py} (Keras itself is not installable where the
 * fixtures were made). The expected outputs are NOT from Keras: they come from a float64 numpy transcription of the
 * Keras LSTMCell/GRUCell equations, which the script checks against torch for LSTM and GRU reset_after=True. The
 * rnn4j side is the reference backend ({@link OutputCheck#BACKENDS}) running the imported weights; this pins the
 * transposes, gate orders and bias splits of the importer, not Keras' own numerics.
 */
class KerasGoldenTest {

    static Stream<Arguments> cases() {
        Object[][] table = {
            {"keras3_lstm.keras", RnnSpec.builder(new Cell.Lstm()).inputSize(3).hiddenSize(4).build()},
            {"keras3_gru_bidi.keras", RnnSpec.builder(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3).hiddenSize(3)
                    .direction(Direction.BIDIRECTIONAL_CONCAT).build()},
            {"keras2_gru_reset_before.h5", RnnSpec.builder(new Cell.Gru(Cell.ResetMode.RESET_BEFORE)).inputSize(3).hiddenSize(4).build()},
            {"keras2_lstm_l2.h5", RnnSpec.builder(new Cell.Lstm()).inputSize(3).hiddenSize(3).layers(2).build()},
        };
        List<Arguments> cases = new ArrayList<>();
        for (Object[] row : table) {
            for (String backend : OutputCheck.BACKENDS) cases.add(Arguments.of(row[0], row[1], backend));
        }
        return cases.stream();
    }

    private static String stem(String file) { return file.substring(0, file.lastIndexOf('.')); }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void importedFileMatchesTheKerasEquations(String file, RnnSpec inferred, String backend) throws IOException {
        GoldenFixture f = GoldenFixture.load(stem(file));
        RnnWeights w = KerasImporter.load(GoldenFixture.resource(file), null);
        assertEquals(inferred, w.spec(), file + ": inferred spec");
        OutputCheck.check(backend, f, w, OutputCheck.float64Oracle());
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("cases")
    void namedLayersInTheirStackingOrderGiveTheSameWeights(String file, RnnSpec inferred, String backend) throws IOException {
        GoldenFixture f = GoldenFixture.load(stem(file));
        List<String> names = Arrays.asList(f.meta().get("layers").split(","));
        assertEquals(names, KerasImporter.recurrentLayerNames(GoldenFixture.resource(file)), file + ": recurrent layers in file order");
        RnnWeights w = KerasImporter.load(GoldenFixture.resource(file), names, inferred);
        OutputCheck.check(backend, f, w, OutputCheck.float64Oracle());
    }
}
