package org.rnn4j.importers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnn4j.importers.Messages.assertMessage;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/** Keras conversion rules (transpose, bias flavours, directions) and every mismatch message. */
class KerasImporterTest {
    @TempDir Path dir;


    private static FloatTensor t(String name, float[] v, int... shape) { return FloatTensor.of(name, v, shape); }

    /** kernel[r][c] = 10·r + c: after the transpose W[c][r] holds the same number. */
    private static FloatTensor tagged(String name, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) v[r * cols + c] = 10 * r + c;
        return t(name, v, rows, cols);
    }

    @Test
    void lstmKernelsAreTransposedAndTheBiasIsTheInputBias() {
        RnnWeights w = KerasImporter.fromArrays(List.of(List.of(tagged("kernel", 2, 4), tagged("recurrent_kernel", 1, 4),
                t("bias", new float[] {1, 2, 3, 4}, 4))), null);
        assertEquals(RnnSpec.builder(new Cell.Lstm()).inputSize(2).hiddenSize(1).build(), w.spec());
        assertArrayEquals(new float[] {0, 10, 1, 11, 2, 12, 3, 13}, w.get(0, 0).w(), "W = kernelᵀ, gate blocks i,f,c,o kept");
        assertArrayEquals(new float[] {0, 1, 2, 3}, w.get(0, 0).r());
        assertArrayEquals(new float[] {1, 2, 3, 4}, w.get(0, 0).wBias());
        assertArrayEquals(new float[4], w.get(0, 0).rBias());
    }

    @Test
    void gruResetAfterSplitsItsTwoBiasRowsIntoInputAndRecurrentBias() {
        RnnWeights w = KerasImporter.fromArrays(List.of(List.of(tagged("kernel", 1, 3), tagged("recurrent_kernel", 1, 3),
                t("bias", new float[] {1, 2, 3, 4, 5, 6}, 2, 3))), null);
        assertEquals(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET), w.spec().cell());
        assertArrayEquals(new float[] {1, 2, 3}, w.get(0, 0).wBias());
        assertArrayEquals(new float[] {4, 5, 6}, w.get(0, 0).rBias());
    }

    @Test
    void gruResetBeforeHasOnlyAnInputBias() {
        RnnWeights w = KerasImporter.fromArrays(List.of(List.of(tagged("kernel", 1, 3), tagged("recurrent_kernel", 1, 3),
                t("bias", new float[] {1, 2, 3}, 3))), null);
        assertEquals(new Cell.Gru(Cell.ResetMode.RESET_BEFORE), w.spec().cell());
        assertArrayEquals(new float[] {1, 2, 3}, w.get(0, 0).wBias());
        assertArrayEquals(new float[3], w.get(0, 0).rBias());
    }

    @Test
    void aGruWithoutBiasDefaultsToResetAfterAndTheExpectedSpecMayChoose() {
        List<List<FloatTensor>> arrays = List.of(List.of(tagged("kernel", 1, 3), tagged("recurrent_kernel", 1, 3)));
        assertEquals(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET), KerasImporter.fromArrays(arrays, null).spec().cell());
        RnnSpec before = RnnSpec.builder(new Cell.Gru(Cell.ResetMode.RESET_BEFORE)).inputSize(1).hiddenSize(1).build();
        assertEquals(before, KerasImporter.fromArrays(arrays, before).spec());
    }

    @Test
    void aBiasedGruMustMatchTheExpectedResetMode() {
        RnnSpec before = RnnSpec.builder(new Cell.Gru(Cell.ResetMode.RESET_BEFORE)).inputSize(1).hiddenSize(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KerasImporter.fromArrays(List.of(List.of(
                tagged("kernel", 1, 3), tagged("recurrent_kernel", 1, 3), t("bias", new float[6], 2, 3))), before));
        assertMessage(e, "cell: expected gru but the file holds gru_lbr (LINEAR_BEFORE_RESET)", "bias [2, 3]");
    }

    @Test
    void bidirectionalLayersConcatUnlessTheNextLayerTakesTheSum() {
        List<FloatTensor> bi = List.of(tagged("fk", 2, 4), tagged("frk", 1, 4), tagged("bk", 2, 4), tagged("brk", 1, 4));
        RnnWeights one = KerasImporter.fromArrays(List.of(bi), null);
        assertEquals(Direction.BIDIRECTIONAL_CONCAT, one.spec().direction());
        assertArrayEquals(new float[] {0, 10, 1, 11, 2, 12, 3, 13}, one.get(0, 1).w(), "backward arrays → direction 1");
        List<FloatTensor> summed = List.of(tagged("fk1", 1, 4), tagged("frk1", 1, 4), tagged("bk1", 1, 4), tagged("brk1", 1, 4));
        assertEquals(Direction.BIDIRECTIONAL_SUM, KerasImporter.fromArrays(List.of(bi, summed), null).spec().direction());
    }

    @Test
    void aStackThatConcatenatesRefusesBidirectionalSumNamingTheNextLayersKernel() {
        // merge_mode is not in the weights, but the next layer's input width is: 2·H rows concatenate, H rows sum.
        List<FloatTensor> bi = List.of(tagged("fk", 2, 4), tagged("frk", 1, 4), tagged("bk", 2, 4), tagged("brk", 1, 4));
        List<FloatTensor> concatenated = List.of(tagged("fk1", 2, 4), tagged("frk1", 1, 4), tagged("bk1", 2, 4), tagged("brk1", 1, 4));
        RnnSpec sum = RnnSpec.builder(new Cell.Lstm()).inputSize(2).hiddenSize(1).layers(2)
                .direction(Direction.BIDIRECTIONAL_SUM).build();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.fromArrays(List.of(bi, concatenated), sum)),
                "direction: expected BIDIRECTIONAL_SUM but the file holds BIDIRECTIONAL_CONCAT", "fk1 [2, 4]",
                "layer 1 takes 2·S = 2 inputs, the two directions concatenated");
        RnnSpec oneLayerSum = RnnSpec.builder(new Cell.Lstm()).inputSize(2).hiddenSize(1).direction(Direction.BIDIRECTIONAL_SUM).build();
        assertEquals(oneLayerSum, KerasImporter.fromArrays(List.of(bi), oneLayerSum).spec(), "one layer fits merge_mode=\"sum\"");
    }

    @Test
    void directionsNotStoredInTheWeightsComeFromTheExpectedSpec() {
        List<List<FloatTensor>> forward = List.of(List.of(tagged("kernel", 2, 4), tagged("recurrent_kernel", 1, 4)));
        RnnSpec goBackwards = RnnSpec.builder(new Cell.Lstm()).inputSize(2).hiddenSize(1).direction(Direction.REVERSE).build();
        assertEquals(goBackwards, KerasImporter.fromArrays(forward, goBackwards).spec());
        RnnSpec bi = RnnSpec.builder(new Cell.Lstm()).inputSize(2).hiddenSize(1).direction(Direction.BIDIRECTIONAL_SUM).build();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.fromArrays(forward, bi)),
                "direction: expected BIDIRECTIONAL_SUM (2 direction(s)) but the file holds 1 direction(s)");
    }

    @Test
    void wrongShapesNameTheArrayTheExpectedAndTheActualShape() {
        IllegalArgumentException bias = assertThrows(IllegalArgumentException.class, () -> KerasImporter.fromArrays(List.of(List.of(
                tagged("kernel", 2, 4), tagged("recurrent_kernel", 1, 4), t("lstm bias", new float[8], 2, 4))), null));
        assertMessage(bias, "lstm bias", "expected shape [4]", "but was [2, 4]");
        IllegalArgumentException stacked = assertThrows(IllegalArgumentException.class, () -> KerasImporter.fromArrays(List.of(
                List.of(tagged("k0", 2, 4), tagged("r0", 1, 4)), List.of(tagged("k1", 3, 4), tagged("r1", 1, 4))), null));
        assertMessage(stacked, "k1", "expected shape [1, 4]", "but was [3, 4]");
        IllegalArgumentException gates = assertThrows(IllegalArgumentException.class, () -> KerasImporter.fromArrays(List.of(List.of(
                tagged("k", 2, 5), tagged("rk", 1, 5))), null));
        assertMessage(gates, "rk [1, 5]", "G = 4 (LSTM), 3 (GRU) or 1 (SimpleRNN)");
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> KerasImporter.fromArrays(List.of(List.of(
                tagged("a", 1, 4), tagged("b", 1, 4), tagged("c", 1, 4), tagged("d", 1, 4), tagged("e", 1, 4))), null));
        assertMessage(count, "layer 0", "2 or 3 arrays", "4 or 6", "got 5");
    }

    @Test
    void zeroSizesAreRejectedNamingTheArray() {
        IllegalArgumentException hidden = assertThrows(IllegalArgumentException.class, () -> KerasImporter.fromArrays(List.of(List.of(
                t("kernel", new float[0], 1, 0), t("recurrent_kernel", new float[0], 0, 0))), null));
        assertMessage(hidden, "Keras arrays", "recurrent_kernel [0, 0]", "hidden size: expected > 0 rows but was 0");
        IllegalArgumentException input = assertThrows(IllegalArgumentException.class, () -> KerasImporter.fromArrays(List.of(List.of(
                t("kernel", new float[0], 0, 4), tagged("recurrent_kernel", 1, 4))), null));
        assertMessage(input, "Keras arrays", "kernel [0, 4]", "input size: expected > 0 rows but was 0");
    }

    /** A Keras 3 model.weights.h5 with two LSTM layers, written with jhdf's writer. */
    private Path twoLayerKeras3(Path file) {
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            WritableGroup layers = h5.putGroup("layers");
            for (String name : List.of("lstm", "lstm_1")) {
                WritableGroup vars = layers.putGroup(name).putGroup("cell").putGroup("vars");
                vars.putDataset("0", new float[][] {{1, 2, 3, 4}});
                vars.putDataset("1", new float[][] {{5, 6, 7, 8}});
                vars.putDataset("2", new float[] {9, 10, 11, 12});
            }
        }
        return file;
    }

    @Test
    void aKeras3FileWithSeveralRecurrentLayersNeedsTheirStackingOrder() throws IOException {
        Path file = twoLayerKeras3(dir.resolve("two.weights.h5"));
        assertEquals(List.of("lstm", "lstm_1"), KerasImporter.recurrentLayerNames(file));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(file, null)),
                "[lstm, lstm_1]", "name the layers to stack");
        RnnWeights w = KerasImporter.load(file, List.of("lstm_1", "lstm"), null);
        assertEquals(2, w.spec().layers());
        assertArrayEquals(new float[] {9, 10, 11, 12}, w.get(1, 0).wBias());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(file, List.of("gru"), null)),
                "expected a recurrent layer named 'gru'", "[lstm, lstm_1]");
    }

    @Test
    void filesThatAreNotKerasWeightFilesAreRejected() throws IOException {
        Path text = Files.writeString(dir.resolve("model.h5"), "not hdf5");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(text, null)),
                "expected a .keras zip or an HDF5 file");
        Path zip = dir.resolve("model.keras");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("config.json"));
            z.write("{}".getBytes());
            z.closeEntry();
        }
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(zip, null)),
                "model.weights.h5", "[config.json]");
        Path empty = dir.resolve("empty.h5");
        try (WritableHdfFile h5 = HdfFile.write(empty)) {
            h5.putGroup("something");
        }
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(empty, null)),
                "expected a Keras weight file", "[something]");
    }
}
