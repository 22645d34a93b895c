package org.rnn4j.importers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnn4j.importers.Messages.assertMessage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Activation;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.LayerWeights;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/** PyTorch state-dict conversion rules (gate order, biases, projection) and every mismatch message. */
class PyTorchImporterTest {
    @TempDir Path dir;


    private static FloatTensor t(String name, float[] v, int... shape) { return FloatTensor.of(name, v, shape); }

    /** One-layer state dict with H = 1, I = 1: each gate's row holds a recognisable number. */
    private static Map<String, FloatTensor> gruOneByOne() {
        Map<String, FloatTensor> sd = new LinkedHashMap<>();
        sd.put("weight_ih_l0", t("weight_ih_l0", new float[] {10, 20, 30}, 3, 1)); // r, z, n
        sd.put("weight_hh_l0", t("weight_hh_l0", new float[] {11, 21, 31}, 3, 1));
        sd.put("bias_ih_l0", t("bias_ih_l0", new float[] {12, 22, 32}, 3));
        sd.put("bias_hh_l0", t("bias_hh_l0", new float[] {13, 23, 33}, 3));
        return sd;
    }

    @Test
    void gruGateBlocksMoveFromRznToZrnAndTheCellIsLinearBeforeReset() {
        RnnWeights w = PyTorchImporter.create().fromStateDict(gruOneByOne(), null);
        assertEquals(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET), w.spec().cell());
        LayerWeights p = w.get(0, 0);
        assertArrayEquals(new float[] {20, 10, 30}, p.w());
        assertArrayEquals(new float[] {21, 11, 31}, p.r());
        assertArrayEquals(new float[] {22, 12, 32}, p.wBias());
        assertArrayEquals(new float[] {23, 13, 33}, p.rBias());
    }

    @Test
    void lstmRowsKeepTheirOrderAndTheProjectionIsCarriedOver() {
        int h = 2, p = 1, i = 3;
        Map<String, FloatTensor> sd = new LinkedHashMap<>();
        sd.put("weight_ih_l0", t("weight_ih_l0", SafetensorsWriter.ramp(4 * h * i, 1), 4 * h, i));
        sd.put("weight_hh_l0", t("weight_hh_l0", SafetensorsWriter.ramp(4 * h * p, 2), 4 * h, p));
        sd.put("weight_hr_l0", t("weight_hr_l0", new float[] {7, 8}, p, h));
        RnnWeights w = PyTorchImporter.create().fromStateDict(sd, null);
        assertEquals(RnnSpec.builder(new Cell.Lstm().withProjection(1)).inputSize(3).hiddenSize(2).build(), w.spec());
        assertArrayEquals(SafetensorsWriter.ramp(4 * h * i, 1), w.get(0, 0).w());
        assertArrayEquals(new float[] {7, 8}, w.get(0, 0).projection());
        assertArrayEquals(new float[4 * h], w.get(0, 0).wBias(), "bias=False: zeros");
        assertArrayEquals(new float[4 * h], w.get(0, 0).rBias(), "bias=False: zeros");
    }

    @Test
    void theSameStateDictReadsIdenticallyFromASafetensorsFile() throws IOException {
        SafetensorsWriter out = new SafetensorsWriter();
        gruOneByOne().forEach((k, v) -> out.f32(k, v.data(), v.shape()));
        RnnWeights fromFile = PyTorchImporter.load(out.write(dir.resolve("gru.safetensors")), null);
        RnnWeights fromMap = PyTorchImporter.create().fromStateDict(gruOneByOne(), null);
        assertEquals(fromMap.spec(), fromFile.spec());
        assertArrayEquals(fromMap.get(0, 0).w(), fromFile.get(0, 0).w());
        assertArrayEquals(fromMap.get(0, 0).rBias(), fromFile.get(0, 0).rBias());
    }

    @Test
    void everyFieldThatDiffersFromTheExpectedSpecIsNamedWithItsSourceTensor() {
        RnnSpec expected = RnnSpec.builder(new Cell.Lstm()).inputSize(2).hiddenSize(5).layers(2)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PyTorchImporter.create().fromStateDict(gruOneByOne(), expected));
        assertMessage(e, "cell: expected lstm but the file holds gru_lbr", "inputSize: expected 2 but the file holds 1",
                "hiddenSize: expected 5 but the file holds 1", "weight_hh_l0 [3, 1]", "layers: expected 2 but the file holds 1",
                "direction: expected BIDIRECTIONAL_CONCAT but the file holds FORWARD", "no weight_ih_l0_reverse");
    }

    /**
     * A bidirectional LSTM state dict, I = 2, H = S = 3, with bias; {@code layer1Input} is the column count of layer 1's
     * {@code weight_ih} (2·S as nn.LSTM writes it, or S for sum stacking); one layer if it is 0.
     */
    private static Map<String, FloatTensor> bidirectionalLstm(int layer1Input) {
        int h = 3;
        Map<String, FloatTensor> sd = new LinkedHashMap<>();
        int layers = layer1Input == 0 ? 1 : 2;
        float scale = 0.01f;
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? 2 : layer1Input;
            for (String suffix : new String[] {"", "_reverse"}) {
                String k = "_l" + l + suffix;
                scale += 0.001f;
                sd.put("weight_ih" + k, t("weight_ih" + k, SafetensorsWriter.ramp(4 * h * in, scale), 4 * h, in));
                sd.put("weight_hh" + k, t("weight_hh" + k, SafetensorsWriter.ramp(4 * h * h, -scale), 4 * h, h));
                sd.put("bias_ih" + k, t("bias_ih" + k, SafetensorsWriter.ramp(4 * h, scale / 2), 4 * h));
                sd.put("bias_hh" + k, t("bias_hh" + k, SafetensorsWriter.ramp(4 * h, -scale / 3), 4 * h));
            }
        }
        return sd;
    }

    private static RnnSpec bidirectionalLstmSpec(int layers, Direction direction) {
        return RnnSpec.builder(new Cell.Lstm()).inputSize(2).hiddenSize(3).layers(layers).direction(direction).build();
    }

    @Test
    void aOneLayerBidirectionalFileFitsBidirectionalSumAsWellAsConcat() throws IOException {
        // One layer holds the same tensors for concat and sum: only the merge of the outputs differs.
        SafetensorsWriter out = new SafetensorsWriter();
        bidirectionalLstm(0).forEach((k, v) -> out.f32(k, v.data(), v.shape()));
        Path file = out.write(dir.resolve("bidi.safetensors"));
        RnnWeights concat = PyTorchImporter.load(file, null);
        assertEquals(Direction.BIDIRECTIONAL_CONCAT, concat.spec().direction(), "inferred: nn.LSTM's stacking");
        RnnWeights sum = PyTorchImporter.load(file, bidirectionalLstmSpec(1, Direction.BIDIRECTIONAL_SUM));
        assertEquals(bidirectionalLstmSpec(1, Direction.BIDIRECTIONAL_SUM), sum.spec());
        for (int d = 0; d < 2; d++) {
            assertArrayEquals(concat.get(0, d).w(), sum.get(0, d).w(), "direction " + d);
            assertArrayEquals(concat.get(0, d).r(), sum.get(0, d).r(), "direction " + d);
        }
        // And it computes the sum of the two halves of the concat output.
        int steps = 4, batch = 2, h = 3;
        float[] x = SafetensorsWriter.ramp(steps * batch * 2, 0.05f);
        float[] yConcat;
        float[] ySum;
        try (PreparedRnn c = Backends.select("reference").prepare(concat.spec(), concat);
             PreparedRnn s = Backends.select("reference").prepare(sum.spec(), sum)) {
            yConcat = c.forward(RnnInput.builder(x, Layout.TIME_MAJOR, steps, batch).build()).y();
            ySum = s.forward(RnnInput.builder(x, Layout.TIME_MAJOR, steps, batch).build()).y();
        }
        for (int row = 0; row < steps * batch; row++) {
            for (int j = 0; j < h; j++) {
                float expected = yConcat[row * 2 * h + j] + yConcat[row * 2 * h + h + j];
                // Each output is a float64 result rounded to float (|y| < 1: 2^-24 each) plus one float addition: < 2e-7.
                assertEquals(expected, ySum[row * h + j], 1e-6f, "Y[" + row + ", " + j + "]");
            }
        }
    }

    @Test
    void aTwoLayerConcatFileRefusesBidirectionalSumNamingLayer1sInputWidth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PyTorchImporter.create()
                .fromStateDict(bidirectionalLstm(6), bidirectionalLstmSpec(2, Direction.BIDIRECTIONAL_SUM)));
        assertMessage(e, "direction: expected BIDIRECTIONAL_SUM but the file holds BIDIRECTIONAL_CONCAT",
                "weight_ih_l1 [12, 6]", "layer 1 takes 2·S = 6 inputs, the two directions concatenated");
        assertEquals(Direction.BIDIRECTIONAL_CONCAT,
                PyTorchImporter.create().fromStateDict(bidirectionalLstm(6), null).spec().direction());
    }

    @Test
    void aTwoLayerFileWhoseLayer1TakesSInputsIsBidirectionalSum() {
        RnnWeights w = PyTorchImporter.create().fromStateDict(bidirectionalLstm(3), null);
        assertEquals(bidirectionalLstmSpec(2, Direction.BIDIRECTIONAL_SUM), w.spec());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PyTorchImporter.create()
                .fromStateDict(bidirectionalLstm(3), bidirectionalLstmSpec(2, Direction.BIDIRECTIONAL_CONCAT)));
        assertMessage(e, "direction: expected BIDIRECTIONAL_CONCAT but the file holds BIDIRECTIONAL_SUM",
                "weight_ih_l1 [12, 3]", "layer 1 takes S = 3 inputs, the two directions summed");
    }

    @Test
    void aOneDirectionFileIsForwardOnly() {
        // nn.RNN/LSTM/GRU have no reverse-only mode: unlike Keras's go_backwards, REVERSE is not read into the file.
        RnnSpec reverse = RnnSpec.builder(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(1).hiddenSize(1)
                .direction(Direction.REVERSE).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PyTorchImporter.create().fromStateDict(gruOneByOne(), reverse));
        assertMessage(e, "direction: expected REVERSE but the file holds FORWARD", "no weight_ih_l0_reverse");
    }

    @Test
    void aPyTorchGruIsNotAResetBeforeGru() {
        RnnSpec resetBefore = RnnSpec.builder(new Cell.Gru(Cell.ResetMode.RESET_BEFORE)).inputSize(1).hiddenSize(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PyTorchImporter.create().fromStateDict(gruOneByOne(), resetBefore));
        assertMessage(e, "cell: expected gru but the file holds gru_lbr (LINEAR_BEFORE_RESET)");
    }

    private static Map<String, FloatTensor> rnnOneByOne() {
        Map<String, FloatTensor> sd = new LinkedHashMap<>();
        sd.put("weight_ih_l0", t("weight_ih_l0", new float[] {1}, 1, 1));
        sd.put("weight_hh_l0", t("weight_hh_l0", new float[] {2}, 1, 1));
        return sd;
    }

    @Test
    void theRnnNonlinearityComesFromTheCallNotTheFile() {
        assertEquals(new Cell.Rnn(Activation.TANH), PyTorchImporter.create().fromStateDict(rnnOneByOne(), null).spec().cell());
        assertEquals(new Cell.Rnn(Activation.RELU),
                PyTorchImporter.create().withRnnNonlinearity(Activation.RELU).fromStateDict(rnnOneByOne(), null).spec().cell());
        RnnSpec relu = RnnSpec.builder(new Cell.Rnn(Activation.RELU)).inputSize(1).hiddenSize(1).build();
        assertEquals(relu, PyTorchImporter.create().fromStateDict(rnnOneByOne(), relu).spec(), "the expected spec's nonlinearity wins");
    }

    @Test
    void onlyTanhAndReluAreNnRnnNonlinearities() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> PyTorchImporter.create().withRnnNonlinearity(Activation.SIGMOID)),
                "Tanh or Relu", "Sigmoid");
        RnnSpec sigmoid = RnnSpec.builder(new Cell.Rnn(Activation.SIGMOID)).inputSize(1).hiddenSize(1).build();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> PyTorchImporter.create().fromStateDict(rnnOneByOne(), sigmoid)),
                "rnn_sigmoid", "supports only [RELU, TANH]");
    }

    @Test
    void aMissingFirstLayerSuggestsTheKeyPrefixThatHoldsOne() {
        Map<String, FloatTensor> sd = new LinkedHashMap<>();
        gruOneByOne().forEach((k, v) -> sd.put("encoder.rnn." + k, v));
        sd.put("head.weight", t("head.weight", new float[] {1}, 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PyTorchImporter.create().fromStateDict(sd, null));
        assertMessage(e, "expected key 'weight_ih_l0'", "'encoder.rnn.'", "withKeyPrefix");
        RnnWeights w = PyTorchImporter.create().withKeyPrefix("encoder.rnn.").fromStateDict(sd, null);
        assertArrayEquals(new float[] {20, 10, 30}, w.get(0, 0).w());
    }

    @Test
    void aMissingKeyOfALaterLayerOrDirectionIsNamed() {
        Map<String, FloatTensor> sd = gruOneByOne();
        sd.put("weight_ih_l0_reverse", t("weight_ih_l0_reverse", new float[] {1, 2, 3}, 3, 1));
        sd.put("weight_hh_l0_reverse", t("weight_hh_l0_reverse", new float[] {1, 2, 3}, 3, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PyTorchImporter.create().fromStateDict(sd, null));
        assertMessage(e, "expected key 'bias_ih_l0_reverse'", "missing");
    }

    @Test
    void aWrongShapeNamesTheKeyTheExpectedAndTheActualShape() {
        Map<String, FloatTensor> sd = gruOneByOne();
        sd.put("bias_hh_l0", t("bias_hh_l0", new float[] {1, 2}, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PyTorchImporter.create().fromStateDict(sd, null));
        assertMessage(e, "bias_hh_l0", "expected shape [3]", "but was [2]");
    }

    @Test
    void rowsThatAreNoGateMultipleAreRejected() {
        Map<String, FloatTensor> sd = new LinkedHashMap<>();
        sd.put("weight_ih_l0", t("weight_ih_l0", new float[4], 2, 2));
        sd.put("weight_hh_l0", t("weight_hh_l0", new float[6], 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PyTorchImporter.create().fromStateDict(sd, null));
        assertMessage(e, "weight_hh_l0", "G = 1 (nn.RNN), 3 (nn.GRU) or 4 (nn.LSTM)", "[2, 3]");
    }

    @Test
    void aZeroHiddenSizeIsRejectedNotDividedBy() {
        Map<String, FloatTensor> sd = new LinkedHashMap<>();
        sd.put("weight_ih_l0", t("weight_ih_l0", new float[4], 4, 1));
        sd.put("weight_hh_l0", t("weight_hh_l0", new float[0], 4, 0));
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class, () -> PyTorchImporter.create().fromStateDict(sd, null));
        assertMessage(plain, "state dict", "hidden size: expected > 0 but was 0", "weight_hh_l0 [4, 0]");
        sd.put("weight_hr_l0", t("weight_hr_l0", new float[0], 0, 0));
        IllegalArgumentException projected = assertThrows(IllegalArgumentException.class,
                () -> PyTorchImporter.create().fromStateDict(sd, null));
        assertMessage(projected, "hidden size: expected > 0 but was 0", "weight_hr_l0 [0, 0]");
    }

    @Test
    void aZeroProjectionSizeIsRejected() {
        Map<String, FloatTensor> sd = new LinkedHashMap<>();
        sd.put("weight_ih_l0", t("weight_ih_l0", new float[8], 8, 1));
        sd.put("weight_hh_l0", t("weight_hh_l0", new float[0], 8, 0));
        sd.put("weight_hr_l0", t("weight_hr_l0", new float[0], 0, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PyTorchImporter.create().fromStateDict(sd, null));
        assertMessage(e, "weight_hr_l0", "projection size: expected > 0 rows", "[0, 2]");
    }

    @Test
    void aZeroInputSizeIsRejected() {
        Map<String, FloatTensor> sd = new LinkedHashMap<>();
        sd.put("weight_ih_l0", t("weight_ih_l0", new float[0], 1, 0));
        sd.put("weight_hh_l0", t("weight_hh_l0", new float[1], 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PyTorchImporter.create().fromStateDict(sd, null));
        assertMessage(e, "state dict", "weight_ih_l0", "input size: expected > 0 columns", "[1, 0]");
    }
}
