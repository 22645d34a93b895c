package org.rnn4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.onnx.TestModels.floatAttr;
import static org.rnn4j.onnx.TestModels.floatsAttr;
import static org.rnn4j.onnx.TestModels.intAttr;
import static org.rnn4j.onnx.TestModels.stringAttr;
import static org.rnn4j.onnx.TestModels.stringsAttr;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.RnnSpec;
import org.rnn4j.onnx.proto.Onnx.AttributeProto;

/** ONNX node attributes → {@link RnnSpec}. Weights are zeros here: only the spec is under test. */
class OnnxAttributeMappingTest {
    private static final int H = 2;
    private static final int I = 3;

    private static RnnSpec specOf(String op, int gates, int dirs, AttributeProto... attrs) {
        TestModels.Graph g = new TestModels.Graph(op, "X", "W", "R").outputs("Y")
                .input("X", 1, 1, I).input("W", dirs, gates * H, I).input("R", dirs, gates * H, H).graphOutput("Y", 1, dirs, 1, H);
        for (AttributeProto a : attrs) g.attr(a);
        return g.load().bind(List.of(OnnxTensor.ofFloats("X", new float[I], 1, 1, I),
                OnnxTensor.ofFloats("W", new float[dirs * gates * H * I], dirs, gates * H, I),
                OnnxTensor.ofFloats("R", new float[dirs * gates * H * H], dirs, gates * H, H))).spec();
    }

    @Test
    void defaultsGiveOnnxDefaults() {
        RnnSpec lstm = specOf("LSTM", 4, 1, intAttr("hidden_size", H));
        assertEquals(new Cell.Lstm(), lstm.cell());
        assertEquals(Direction.FORWARD, lstm.direction());
        assertEquals(List.of(Activation.SIGMOID, Activation.TANH, Activation.TANH), lstm.activations());
        assertFalse(lstm.clip().isPresent());
        assertEquals(I, lstm.inputSize());
        assertEquals(H, lstm.hiddenSize());
        assertEquals(1, lstm.layers());
        assertEquals(new Cell.Rnn(Activation.TANH), specOf("RNN", 1, 1, intAttr("hidden_size", H)).cell());
        assertEquals(new Cell.Gru(Cell.ResetMode.RESET_BEFORE), specOf("GRU", 3, 1, intAttr("hidden_size", H)).cell());
    }

    @Test
    void hiddenSizeMayBeLeftOutAndComesFromR() {
        assertEquals(H, specOf("GRU", 3, 1).hiddenSize());
    }

    @Test
    void directionsMap() {
        assertEquals(Direction.REVERSE, specOf("RNN", 1, 1, stringAttr("direction", "reverse")).direction());
        assertEquals(Direction.BIDIRECTIONAL_CONCAT, specOf("RNN", 1, 2, stringAttr("direction", "bidirectional")).direction());
        assertEquals(Direction.FORWARD, specOf("RNN", 1, 1, stringAttr("direction", "forward")).direction());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> specOf("RNN", 1, 1, stringAttr("direction", "sideways")));
        assertTrue(e.getMessage().contains("'direction'") && e.getMessage().contains("sideways"), e.getMessage());
    }

    @Test
    void alphaAndBetaAreConsumedInOrderByTheActivationsThatTakeThem() {
        // LeakyRelu takes alpha[0]; Affine takes alpha[1] and beta[0]; ThresholdedRelu finds no alpha left: default 1.0.
        RnnSpec spec = specOf("LSTM", 4, 1, stringsAttr("activations", "LeakyRelu", "Affine", "ThresholdedRelu"),
                floatsAttr("activation_alpha", 0.5f, 2.0f), floatsAttr("activation_beta", 3.0f));
        assertEquals(List.of(Activation.leakyRelu(0.5), Activation.affine(2.0, 3.0), Activation.thresholdedRelu(1.0)),
                spec.activations());
    }

    @Test
    void activationWithoutGivenAlphaGetsItsOperatorDefault() {
        RnnSpec spec = specOf("GRU", 3, 1, stringsAttr("activations", "HardSigmoid", "LeakyRelu"));
        assertEquals(List.of(Activation.hardSigmoid(0.2, 0.5), Activation.leakyRelu(0.01)), spec.activations());
    }

    @Test
    void bidirectionalTakesOneSetOfActivationsPerDirectionWithParametersInOrder() {
        RnnSpec six = specOf("LSTM", 4, 2, stringAttr("direction", "bidirectional"),
                stringsAttr("activations", "Sigmoid", "Tanh", "Tanh", "HardSigmoid", "Softsign", "Relu"),
                floatsAttr("activation_alpha", 0.3f), floatsAttr("activation_beta", 0.6f));
        assertEquals(List.of(Activation.SIGMOID, Activation.TANH, Activation.TANH, Activation.hardSigmoid(0.3, 0.6),
                Activation.SOFTSIGN, Activation.RELU), six.activations());
        RnnSpec perDirectionAlpha = specOf("RNN", 1, 2, stringAttr("direction", "bidirectional"),
                stringsAttr("activations", "LeakyRelu", "LeakyRelu"), floatsAttr("activation_alpha", 0.1f, 0.2f));
        assertEquals(List.of(Activation.leakyRelu(0.1), Activation.leakyRelu(0.2)), perDirectionAlpha.activations());
    }

    /** ONNX: "3 (or 6 if bidirectional)"; ONNX Runtime refuses one direction's set, and rnn4j gives it no meaning either. */
    @Test
    void bidirectionalWithOneDirectionsActivationsIsRefusedWithExpectedAndActualCount() {
        assertMessage(() -> specOf("LSTM", 4, 2, stringAttr("direction", "bidirectional"),
                stringsAttr("activations", "Sigmoid", "Relu", "Tanh")),
                "attribute 'activations'", "expected 6 names (3 per direction × 2 directions)", "bidirectional LSTM", "but was 3");
        assertMessage(() -> specOf("GRU", 3, 2, stringAttr("direction", "bidirectional"),
                stringsAttr("activations", "HardSigmoid", "Tanh"), floatsAttr("activation_alpha", 0.3f, 0.4f)),
                "attribute 'activations'", "expected 4 names", "but was 2");
        assertMessage(() -> specOf("RNN", 1, 2, stringAttr("direction", "bidirectional"),
                stringsAttr("activations", "LeakyRelu"), floatsAttr("activation_alpha", 0.5f)),
                "attribute 'activations'", "expected 2 names (1 per direction × 2 directions)", "but was 1");
        assertMessage(() -> specOf("RNN", 1, 1, stringsAttr("activations", "Tanh", "Tanh")),
                "attribute 'activations'", "expected 1 name (1 per direction × 1 direction) for a forward RNN", "but was 2");
    }

    @Test
    void rnnActivationBecomesTheCellActivation() {
        RnnSpec spec = specOf("RNN", 1, 2, stringAttr("direction", "bidirectional"), stringsAttr("activations", "Relu", "Tanh"));
        assertEquals(new Cell.Rnn(Activation.RELU), spec.cell());
        assertEquals(List.of(Activation.RELU, Activation.TANH), spec.activations());
    }

    @Test
    void leftoverAlphaIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> specOf("RNN", 1, 1,
                stringsAttr("activations", "Tanh"), floatsAttr("activation_alpha", 0.5f)));
        assertTrue(e.getMessage().contains("activation_alpha has 1"), e.getMessage());
    }

    @Test
    void unknownActivationIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> specOf("RNN", 1, 1, stringsAttr("activations", "Swish")));
        assertTrue(e.getMessage().contains("'Swish'"), e.getMessage());
    }

    @Test
    void clipInputForgetAndLinearBeforeResetMap() {
        RnnSpec lstm = specOf("LSTM", 4, 1, floatAttr("clip", 2.5f), intAttr("input_forget", 1));
        assertEquals(2.5, lstm.clip().getAsDouble());
        assertEquals(Cell.Coupling.FORGET_FROM_INPUT, ((Cell.Lstm) lstm.cell()).coupling());
        assertEquals(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET), specOf("GRU", 3, 1, intAttr("linear_before_reset", 1)).cell());
        assertEquals(new Cell.Gru(Cell.ResetMode.RESET_BEFORE), specOf("GRU", 3, 1, intAttr("linear_before_reset", 0)).cell());
    }

    @Test
    void float32ParametersReadBackAsTheDecimalWritten() {
        RnnSpec spec = specOf("RNN", 1, 1, stringsAttr("activations", "LeakyRelu"), floatsAttr("activation_alpha", 0.01f),
                floatAttr("clip", 0.1f));
        assertEquals(Activation.leakyRelu(0.01), spec.activations().get(0));
        assertEquals(0.1, spec.clip().getAsDouble());
    }

    @Test
    void attributesOfTheWrongOperatorOrTypeAreRejected() {
        assertMessage(() -> specOf("RNN", 1, 1, intAttr("input_forget", 1)), "'input_forget'", "only defined for LSTM");
        assertMessage(() -> specOf("LSTM", 4, 1, intAttr("linear_before_reset", 1)), "'linear_before_reset'", "only defined for GRU");
        assertMessage(() -> specOf("GRU", 3, 1, intAttr("output_sequence", 1)), "'output_sequence'", "not an attribute");
        assertMessage(() -> specOf("GRU", 3, 1, floatAttr("hidden_size", 2f)), "'hidden_size'", "expected type INT");
        assertMessage(() -> specOf("GRU", 3, 1, intAttr("layout", 2)), "'layout'", "expected 0 or 1 but was 2");
        assertMessage(() -> specOf("GRU", 3, 1, floatAttr("clip", -1f)), "'clip'", "> 0");
        assertMessage(() -> specOf("GRU", 3, 1, intAttr("hidden_size", 5)), "'W'", "[1, 15, 3]");
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
    }
}
