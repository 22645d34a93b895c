package org.rnn4j.reference;

import java.util.List;
import java.util.OptionalDouble;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.Gate;
import org.rnn4j.LayerWeights;

/**
 * One time step of each cell, in float64, written to read like the ONNX operator documentation. Stateless and
 * thread-safe. Gate blocks are in the canonical order (LSTM i,f,g,o; GRU z,r,n).
 */
final class ReferenceCells {
    private ReferenceCells() {}

    /** Everything one step needs besides the state: weights of one direction of one layer, and its activations. */
    record StepContext(Cell cell, LayerWeights w, int inputSize, int hiddenSize, int stateSize,
                       List<Activation> activations, OptionalDouble clip) {

        /** Activation k of this direction (RNN: f; LSTM: f, g, h; GRU: f, g). */
        double act(int k, double x) { return activations.get(k).apply(x); }

        /** ONNX clip: gate pre-activations are clamped to [-clip, clip]. */
        double clip(double pre) {
            if (clip.isEmpty()) return pre;
            double c = clip.getAsDouble();
            return Math.max(-c, Math.min(c, pre));
        }

        /** W_block·x + Wb_block for hidden unit j of gate block {@code gate}. */
        double inputPart(int gate, int j, double[] x) {
            int row = gate * hiddenSize + j;
            double s = w.wBias()[row];
            for (int k = 0; k < inputSize; k++) s += (double) w.w()[row * inputSize + k] * x[k];
            return s;
        }

        /** R_block·h + Rb_block for hidden unit j of gate block {@code gate}. */
        double recurrentPart(int gate, int j, double[] h) {
            int row = gate * hiddenSize + j;
            double s = w.rBias()[row];
            for (int k = 0; k < stateSize; k++) s += (double) w.r()[row * stateSize + k] * h[k];
            return s;
        }

        double peephole(Gate gate, int j) { return w.peephole()[gate.peepholeRow() * hiddenSize + j]; }
    }

    /** {@code h' = f(clip(W x + Wb + R h + Rb))}. */
    static double[] rnnStep(StepContext s, double[] x, double[] h) {
        double[] next = new double[s.hiddenSize()];
        for (int j = 0; j < s.hiddenSize(); j++) {
            next[j] = s.act(0, s.clip(s.inputPart(0, j, x) + s.recurrentPart(0, j, h)));
        }
        return next;
    }

    /**
     * LSTM step; updates {@code c} in place and returns the new h (projected when the cell has a projection).
     * i, f see the old cell c; o sees the new cell c' (ONNX). Coupling replaces f by 1 − i or i by 1 − f.
     */
    static double[] lstmStep(StepContext s, double[] x, double[] h, double[] c) {
        Cell.Lstm cell = (Cell.Lstm) s.cell();
        int hs = s.hiddenSize();
        double[] full = new double[hs];
        for (int j = 0; j < hs; j++) {
            double iPre = s.inputPart(0, j, x) + s.recurrentPart(0, j, h);
            double fPre = s.inputPart(1, j, x) + s.recurrentPart(1, j, h);
            double gPre = s.inputPart(2, j, x) + s.recurrentPart(2, j, h);
            double oPre = s.inputPart(3, j, x) + s.recurrentPart(3, j, h);
            if (cell.hasPeephole(Gate.INPUT)) iPre += s.peephole(Gate.INPUT, j) * c[j];
            if (cell.hasPeephole(Gate.FORGET)) fPre += s.peephole(Gate.FORGET, j) * c[j];

            double i = s.act(0, s.clip(iPre));
            double f = s.act(0, s.clip(fPre));
            if (cell.coupling() == Cell.Coupling.FORGET_FROM_INPUT) f = 1.0 - i;
            if (cell.coupling() == Cell.Coupling.INPUT_FROM_FORGET) i = 1.0 - f;
            double g = s.act(1, s.clip(gPre));

            double cNew = f * c[j] + i * g;
            if (cell.hasPeephole(Gate.OUTPUT)) oPre += s.peephole(Gate.OUTPUT, j) * cNew;
            double o = s.act(0, s.clip(oPre));
            c[j] = cNew;
            full[j] = o * s.act(2, cNew);
        }
        if (!cell.hasProjection()) return full;
        double[] projected = new double[s.stateSize()];
        for (int p = 0; p < projected.length; p++) {
            double sum = 0;
            for (int j = 0; j < hs; j++) sum += (double) s.w().projection()[p * hs + j] * full[j];
            projected[p] = sum;
        }
        return projected;
    }

    /** GRU step: z, r gates; the candidate n resets before or after the recurrent product; {@code h' = (1−z)n + zh}. */
    static double[] gruStep(StepContext s, double[] x, double[] h) {
        boolean linearBeforeReset = ((Cell.Gru) s.cell()).resetMode() == Cell.ResetMode.LINEAR_BEFORE_RESET;
        int hs = s.hiddenSize();
        double[] z = new double[hs];
        double[] r = new double[hs];
        for (int j = 0; j < hs; j++) {
            z[j] = s.act(0, s.clip(s.inputPart(0, j, x) + s.recurrentPart(0, j, h)));
            r[j] = s.act(0, s.clip(s.inputPart(1, j, x) + s.recurrentPart(1, j, h)));
        }
        double[] resetH = new double[hs];
        for (int k = 0; k < hs; k++) resetH[k] = r[k] * h[k];
        double[] next = new double[hs];
        for (int j = 0; j < hs; j++) {
            double nPre = linearBeforeReset
                    ? s.inputPart(2, j, x) + r[j] * s.recurrentPart(2, j, h)
                    : s.inputPart(2, j, x) + s.recurrentPart(2, j, resetH);
            double n = s.act(1, s.clip(nPre));
            next[j] = (1.0 - z[j]) * n + z[j] * h[j];
        }
        return next;
    }
}
