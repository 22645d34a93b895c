package org.rnn4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.Gate;
import org.rnn4j.LayerWeights;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * One-unit cells over two steps, with every gate weight distinct, against values worked out from the ONNX formulas
 * (σ = logistic). A swapped gate block changes every expected value below, so these pin the canonical gate order
 * (LSTM i,f,g,o; GRU z,r,n) of the reference itself.
 *
 * <p>Tolerance: the reference computes in float64 and rounds the result to float32 once, so the only error is that
 * rounding: |v|·2^-24 ≤ 6e-8 for |v| &lt; 1. We allow 1e-7.
 */
class HandWorkedCellsTest {
    private static final double TOL = 1e-7;
    private static final float[] XS = {1.0f, -2.0f};

    // LSTM, I = H = 1, blocks i, f, g, o.
    private static final float[] LSTM_W = {0.1f, 0.2f, 0.3f, 0.4f};
    private static final float[] LSTM_R = {0.5f, -0.6f, 0.7f, -0.8f};
    private static final float[] LSTM_WB = {0.01f, 0.02f, 0.03f, 0.04f};
    private static final float[] LSTM_RB = {0f, 0f, 0f, 0.1f};

    private static RnnOutput run(RnnSpec spec, LayerWeights w, float[] x, float[] h0, float[] c0) {
        try (PreparedRnn rnn = new ReferenceBackend().prepare(spec, RnnWeights.of(spec, List.of(w)))) {
            return rnn.forward(RnnInput.builder(x, org.rnn4j.Layout.TIME_MAJOR, x.length, 1).initialH(h0).initialC(c0).build());
        }
    }

    @Test
    void vanillaRnnTanhFollowsTheElmanRecurrence() {
        // W=0.5 R=−1 Wb=0.1 Rb=0.2, h0=0.3, x=(1, 2):
        // h1 = tanh(0.5·1 − 0.3 + 0.3) = tanh(0.5) = 0.46211715726
        // h2 = tanh(0.5·2 − 0.46211715726 + 0.3) = tanh(0.83788284274) = 0.68468604726
        RnnSpec spec = RnnSpec.builder(Cell.rnn(org.rnn4j.Activation.TANH)).inputSize(1).hiddenSize(1).build();
        RnnOutput out = run(spec, LayerWeights.of(new float[] {0.5f}, new float[] {-1f}, new float[] {0.1f}, new float[] {0.2f}),
                new float[] {1f, 2f}, new float[] {0.3f}, null);
        assertEquals(0.46211715726000974, out.y()[0], TOL, "h1");
        assertEquals(0.6846860472584387, out.y()[1], TOL, "h2");
        assertEquals(0.6846860472584387, out.hFinal()[0], TOL, "final h");
    }

    private static void assertLstm(Cell.Lstm cell, float[] peephole, Double clip, double expectedH, double expectedC) {
        RnnSpec.Builder b = RnnSpec.builder(cell).inputSize(1).hiddenSize(1);
        if (clip != null) b.clip(clip);
        RnnSpec spec = b.build();
        RnnOutput out = run(spec, new LayerWeights(LSTM_W, LSTM_R, LSTM_WB, LSTM_RB, peephole, null),
                XS, new float[] {0.25f}, new float[] {-0.5f});
        assertEquals(expectedH, out.hFinal()[0], TOL, spec.caseName() + " final h");
        assertEquals(expectedC, out.cFinal()[0], TOL, spec.caseName() + " final c");
        assertEquals(expectedH, out.y()[1], TOL, spec.caseName() + " Y at the last step");
    }

    @Test
    void lstmUsesBlocksInOrderInputForgetCellOutput() {
        // Step 1 (x=1, h=0.25, c=−0.5): i=σ(0.1+0.125+0.01)=σ(0.235), f=σ(0.2−0.15+0.02)=σ(0.07),
        // g=tanh(0.3+0.175+0.03)=tanh(0.505), c'=f·c+i·g, o=σ(0.4−0.2+0.04+0.1)=σ(0.34), h'=o·tanh(c').
        assertLstm(new Cell.Lstm(), null, null, -0.07778872204724852, -0.23250210493284232);
    }

    @Test
    void lstmPeepholesSeeOldCellForInputAndForgetAndNewCellForOutput() {
        // P = (pi, pf, po) = (0.3, −0.2, 0.9): i += 0.3·c, f += −0.2·c, o += 0.9·c'.
        assertLstm(new Cell.Lstm().withAllPeepholes(), new float[] {0.3f, -0.2f, 0.9f}, null,
                -0.07139930479471188, -0.24648586429462188);
    }

    @Test
    void lstmPeepholeSubsetIgnoresRowsOfOtherGates() {
        // Only the output peephole is on: the i and f rows (7, 7) must not matter; o += 0.9·c'.
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm().withPeepholes(Gate.OUTPUT)).inputSize(1).hiddenSize(1).build();
        RnnOutput subset = run(spec, new LayerWeights(LSTM_W, LSTM_R, LSTM_WB, LSTM_RB, new float[] {7f, 7f, 0.9f}, null),
                XS, new float[] {0.25f}, new float[] {-0.5f});
        RnnSpec all = RnnSpec.builder(new Cell.Lstm().withAllPeepholes()).inputSize(1).hiddenSize(1).build();
        RnnOutput zeros = run(all, new LayerWeights(LSTM_W, LSTM_R, LSTM_WB, LSTM_RB, new float[] {0f, 0f, 0.9f}, null),
                XS, new float[] {0.25f}, new float[] {-0.5f});
        assertEquals(zeros.hFinal()[0], subset.hFinal()[0], 0.0, "output-only peephole equals zero i/f rows");
    }

    @Test
    void lstmCoupledForgetGateIsOneMinusInput() {
        assertLstm(new Cell.Lstm().withCoupling(Cell.Coupling.FORGET_FROM_INPUT), null, null,
                -0.0689516538203896, -0.20778360362411902);
    }

    @Test
    void lstmCoupledInputGateIsOneMinusForget() {
        assertLstm(new Cell.Lstm().withCoupling(Cell.Coupling.INPUT_FROM_FORGET), null, null,
                -0.10793392712532401, -0.3244049881819884);
    }

    @Test
    void lstmClipClampsPreActivationsNotTheCell() {
        // clip 0.15: every gate pre-activation is clamped to ±0.15 before σ/tanh; c itself is not clamped
        // (|c| reaches 0.15154 > 0.15 below).
        assertLstm(new Cell.Lstm(), null, 0.15, -0.06956865644529182, -0.15154547716335326);
    }

    @Test
    void lstmProjectionFeedsTheProjectedStateBackIntoEveryGate() {
        // I = 1, H = 2, P = 1: the recurrent input of every gate is the scalar h = P·(o ⊙ tanh(c')), P = (0.6, −0.9);
        // rows within each block are hidden units 0, 1; blocks i, f, g, o. Initial h = 0.25 (size P), c = (−0.5, 0.4).
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm().withProjection(1)).inputSize(1).hiddenSize(2).build();
        LayerWeights w = new LayerWeights(
                new float[] {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.8f},
                new float[] {0.2f, 0.1f, -0.3f, 0.5f, 0.4f, -0.6f, 0.9f, 0.3f},
                new float[] {0.01f, 0.02f, 0.03f, 0.04f, 0.05f, 0.06f, 0.07f, 0.08f},
                new float[8], null, new float[] {0.6f, -0.9f});
        RnnOutput out = run(spec, w, XS, new float[] {0.25f}, new float[] {-0.5f, 0.4f});
        assertEquals(0.23454415767551146, out.hFinal()[0], TOL, "projected h");
        assertEquals(0.1388827683981772, out.cFinal()[0], TOL, "c of unit 0");
        assertEquals(-0.30500635064790005, out.cFinal()[1], TOL, "c of unit 1");
    }

    private static double gru(Cell.ResetMode mode) {
        RnnSpec spec = RnnSpec.builder(Cell.gru(mode)).inputSize(1).hiddenSize(1).build();
        // Blocks z, r, n.
        LayerWeights w = LayerWeights.of(new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.5f, -0.6f, 0.7f},
                new float[] {0.01f, 0.02f, 0.03f}, new float[] {0.04f, 0.05f, 0.06f});
        return run(spec, w, XS, new float[] {0.25f}, null).hFinal()[0];
    }

    @Test
    void gruResetBeforeAppliesResetToStateBeforeTheRecurrentProduct() {
        // n = tanh(Wn x + Rn (r⊙h) + Wbn + Rbn); h' = (1−z)·n + z·h
        assertEquals(-0.02862738021989364, gru(Cell.ResetMode.RESET_BEFORE), TOL);
    }

    @Test
    void gruLinearBeforeResetAppliesResetAfterTheRecurrentProduct() {
        // n = tanh(Wn x + Wbn + r⊙(Rn h + Rbn)); h' = (1−z)·n + z·h
        assertEquals(-0.050893906000506195, gru(Cell.ResetMode.LINEAR_BEFORE_RESET), TOL);
    }
}
