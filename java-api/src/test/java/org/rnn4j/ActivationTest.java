package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Each ONNX activation at points on both sides of its kinks, against values worked from the ONNX definitions. */
class ActivationTest {
    private static final double EXACT = 0.0;
    private static final double ULP = 1e-15;

    @Test
    void piecewiseLinearActivations() {
        assertEquals(0.0, Activation.RELU.apply(-0.5), EXACT);
        assertEquals(0.5, Activation.RELU.apply(0.5), EXACT);
        assertEquals(-0.005, Activation.of(Activation.Kind.LEAKY_RELU).apply(-0.5), ULP, "LeakyRelu default alpha 0.01");
        assertEquals(0.5, Activation.leakyRelu(0.2).apply(0.5), EXACT);
        assertEquals(0.0, Activation.thresholdedRelu(1.0).apply(1.0), EXACT, "ThresholdedRelu: x if x > alpha");
        assertEquals(1.5, Activation.thresholdedRelu(1.0).apply(1.5), EXACT);
        assertEquals(-0.25, Activation.affine(0.5, 0.0).apply(-0.5), EXACT);
        assertEquals(1.25, Activation.affine(0.5, 1.5).apply(-0.5), EXACT);
        assertEquals(0.4, Activation.hardSigmoid(0.2, 0.5).apply(-0.5), ULP, "0.2·(−0.5) + 0.5");
        assertEquals(1.0, Activation.hardSigmoid(0.2, 0.5).apply(10), EXACT);
        assertEquals(0.0, Activation.hardSigmoid(0.2, 0.5).apply(-10), EXACT);
    }

    @Test
    void smoothActivations() {
        assertEquals(0.3775406687981454, Activation.SIGMOID.apply(-0.5), ULP, "1/(1+e^0.5)");
        assertEquals(1.0, Activation.SIGMOID.apply(800), EXACT, "no overflow for large x");
        assertEquals(0.0, Activation.SIGMOID.apply(-800), EXACT, "no overflow for large −x");
        assertEquals(Math.tanh(-0.5), Activation.TANH.apply(-0.5), EXACT);
        assertEquals(0.5045633165044983, Activation.scaledTanh(1.5, 0.7).apply(0.5), ULP, "1.5·tanh(0.7·0.5)");
        assertEquals(-0.3934693402873666, Activation.of(Activation.Kind.ELU).apply(-0.5), ULP, "e^−0.5 − 1");
        assertEquals(0.5, Activation.of(Activation.Kind.ELU).apply(0.5), EXACT);
        assertEquals(-1.0 / 3.0, Activation.SOFTSIGN.apply(-0.5), ULP, "−0.5/(1+0.5)");
        assertEquals(0.9740769841801067, Activation.SOFTPLUS.apply(0.5), ULP, "log(1+e^0.5)");
        assertEquals(100.0, Activation.SOFTPLUS.apply(100), 1e-13, "no overflow for large x");
    }

    /** ONNX's α is a float compared in the data's type: α = 0.1 is 0.1f, the value an imported model holds. */
    @Test
    void thresholdedReluComparesWithAlphaRoundedToFloat() {
        Activation a = Activation.thresholdedRelu(0.1); // what the ONNX importer makes of activation_alpha 0.1f
        assertEquals(0.0, a.apply(0.1f), EXACT, "x = 0.1f is not above the threshold 0.1f");
        assertEquals(Math.nextUp(0.1f), a.apply(Math.nextUp(0.1f)), EXACT);
        assertEquals(0.0, a.apply(0.1), EXACT, "0.1 (double) < 0.1f");
        assertEquals(0.0, Activation.thresholdedRelu(-0.25).apply(-0.25), EXACT);
        assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(Activation.thresholdedRelu(0.5).apply(-3)), "+0, not -0");
    }

    @Test
    void onnxNamesRoundTrip() {
        for (Activation.Kind k : Activation.Kind.values()) assertEquals(k, Activation.Kind.fromOnnxName(k.onnxName()));
        assertEquals(Activation.Kind.LEAKY_RELU, Activation.Kind.fromOnnxName("leakyrelu"));
    }
}
