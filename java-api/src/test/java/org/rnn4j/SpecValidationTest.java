package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every invalid field is rejected with a message naming the field, what was expected and what was given. */
class SpecValidationTest {

    private static void assertRejected(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), () -> "message '" + ex.getMessage() + "' should contain '" + f + "'");
        }
    }

    private static RnnSpec.Builder lstm() { return RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(4); }

    @Test
    void sizesMustBePositive() {
        assertRejected(() -> lstm().inputSize(0).build(), "inputSize", "> 0", "0");
        assertRejected(() -> lstm().hiddenSize(-2).build(), "hiddenSize", "-2");
        assertRejected(() -> lstm().layers(0).build(), "layers", "> 0");
        assertRejected(() -> new Cell.Lstm().withProjection(-1), "projectionSize", "-1");
    }

    @Test
    void clipMustBeFiniteAndPositive() {
        assertRejected(() -> lstm().clip(Double.NaN), "clip", "NaN");
        assertRejected(() -> lstm().clip(Double.POSITIVE_INFINITY).build(), "clip", "Infinity");
        assertRejected(() -> lstm().clip(0).build(), "clip", "> 0");
        assertRejected(() -> lstm().clip(-1).build(), "clip", "-1");
    }

    @Test
    void activationListMustMatchTheCellAndDirections() {
        assertRejected(() -> lstm().activations(Activation.TANH).build(), "activations", "expected 3", "was 1");
        assertRejected(() -> lstm().direction(Direction.BIDIRECTIONAL_CONCAT)
                .activations(Activation.SIGMOID, Activation.TANH, Activation.TANH, Activation.TANH).build(), "expected 6", "was 4");
        assertRejected(() -> RnnSpec.builder(Cell.rnn(Activation.RELU)).inputSize(1).hiddenSize(1)
                .activations(Activation.TANH).build(), "activations[0]", "Relu", "Tanh");
    }

    @Test
    void aNullActivationIsANullPointerExceptionNamingTheArgumentAndIndex() {
        List<Activation> withNull = Arrays.asList(Activation.SIGMOID, null, Activation.TANH);
        for (Executable e : List.<Executable>of(
                () -> lstm().activations(withNull).build(),
                () -> lstm().activations(Activation.SIGMOID, null, Activation.TANH).build(),
                () -> new RnnSpec(Cell.lstm(), 3, 4, 1, Direction.FORWARD, java.util.OptionalDouble.empty(), withNull, DataType.F32))) {
            NullPointerException ex = assertThrows(NullPointerException.class, e);
            assertTrue(ex.getMessage() != null && ex.getMessage().contains("activations[1]"),
                    () -> "message '" + ex.getMessage() + "' should name activations[1]");
        }
        NullPointerException ex = assertThrows(NullPointerException.class, () -> lstm().activations((List<Activation>) null));
        assertEquals("activations", ex.getMessage());
    }

    @Test
    void oneDirectionOfActivationsIsRepeatedForBidirectional() {
        RnnSpec s = RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(2).hiddenSize(2)
                .direction(Direction.BIDIRECTIONAL_SUM).activations(Activation.HARD_SIGMOID_DEFAULT, Activation.SOFTSIGN).build();
        assertEquals(List.of(Activation.HARD_SIGMOID_DEFAULT, Activation.SOFTSIGN), s.activationsOf(1));
    }

    @Test
    void activationParametersAreChecked() {
        assertRejected(() -> new Activation(Activation.Kind.TANH, 0.5, 0), "alpha", "Tanh takes no alpha");
        assertRejected(() -> Activation.leakyRelu(Double.NaN), "alpha", "finite");
        assertRejected(() -> Activation.Kind.fromOnnxName("Swish"), "activation", "Swish");
        assertEquals(0.01, Activation.of(Activation.Kind.LEAKY_RELU).alpha(), "ONNX LeakyRelu default alpha");
    }

    @Test
    void weightsTooLargeForAnArrayAreRejectedBeforeAllocation() {
        assertRejected(() -> lstm().inputSize(1 << 20).hiddenSize(1 << 10).build(), "W of layer 0", "elements");
    }

    @Test
    void layerInputSizeFollowsStackingRules() {
        RnnSpec concat = lstm().layers(3).direction(Direction.BIDIRECTIONAL_CONCAT).build();
        assertEquals(3, concat.layerInputSize(0));
        assertEquals(8, concat.layerInputSize(2));
        RnnSpec sum = lstm().layers(2).direction(Direction.BIDIRECTIONAL_SUM).build();
        assertEquals(4, sum.layerInputSize(1));
        assertEquals(4, sum.outputSize());
    }

    @Test
    void caseNamesReadLikeReproductionRecipes() {
        RnnSpec s = RnnSpec.builder(new Cell.Lstm().withAllPeepholes()).inputSize(13).hiddenSize(33).layers(2)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build();
        assertEquals("lstm_peephole,l2,i13,h33,bidi_concat", s.caseName());
    }
}
