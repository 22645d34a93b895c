package org.rnn4j.onednn.composed;

import java.util.List;

import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.Gate;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;

/**
 * A direct float64 transcription of the cell equations (ARCHITECTURE.md §4, ONNX), one direction walking forward,
 * written independently of the primitive composition it checks. Stateless.
 */
final class Float64Recurrence {

    /** Outputs of one run: y [T,N,S], hT [N,S], cT [N,H] (null without a cell state). */
    record Result(double[] y, double[] hT, double[] cT) { }

    private Float64Recurrence() { }

    static Result run(RnnSpec spec, int layer, int direction, LayerWeights w, float[] x, int steps, int batch,
                      float[] h0, float[] c0) {
        Cell cell = spec.cell();
        List<Activation> acts = spec.activationsOf(direction);
        int in = spec.layerInputSize(layer);
        int hs = spec.hiddenSize();
        int ss = spec.stateSize();
        int g = cell.gateCount();
        double[] y = new double[steps * batch * ss];
        double[] h = toDouble(h0);
        double[] c = c0 == null ? null : toDouble(c0);
        double clip = spec.clip().isPresent() ? spec.clip().getAsDouble() : Double.POSITIVE_INFINITY;
        for (int t = 0; t < steps; t++) {
            double[] hNext = new double[batch * ss];
            double[] cNext = c == null ? null : new double[batch * hs];
            for (int n = 0; n < batch; n++) {
                double[] xw = new double[g * hs];
                double[] rh = new double[g * hs];
                for (int row = 0; row < g * hs; row++) {
                    double a = w.wBias()[row];
                    for (int i = 0; i < in; i++) a += w.w()[row * in + i] * (double) x[(t * batch + n) * in + i];
                    xw[row] = a;
                    double r = w.rBias()[row];
                    for (int s = 0; s < ss; s++) r += w.r()[row * ss + s] * h[n * ss + s];
                    rh[row] = r;
                }
                if (cell instanceof Cell.Rnn) {
                    for (int j = 0; j < hs; j++) hNext[n * ss + j] = acts.get(0).apply(clamp(xw[j] + rh[j], clip));
                } else if (cell instanceof Cell.Gru gru) {
                    double[] z = new double[hs];
                    double[] r = new double[hs];
                    for (int j = 0; j < hs; j++) {
                        z[j] = acts.get(0).apply(clamp(xw[j] + rh[j], clip));
                        r[j] = acts.get(0).apply(clamp(xw[hs + j] + rh[hs + j], clip));
                    }
                    for (int j = 0; j < hs; j++) {
                        int row = 2 * hs + j;
                        double pre;
                        if (gru.resetMode() == Cell.ResetMode.LINEAR_BEFORE_RESET) {
                            pre = xw[row] + r[j] * rh[row];
                        } else {
                            pre = xw[row] + w.rBias()[row];
                            for (int s = 0; s < ss; s++) pre += w.r()[row * ss + s] * (r[s] * h[n * ss + s]);
                        }
                        double candidate = acts.get(1).apply(clamp(pre, clip));
                        hNext[n * ss + j] = (1 - z[j]) * candidate + z[j] * h[n * ss + j];
                    }
                } else {
                    lstm((Cell.Lstm) cell, acts, w, xw, rh, clip, h, c, hNext, cNext, n, hs, ss);
                }
            }
            System.arraycopy(hNext, 0, y, t * batch * ss, batch * ss);
            h = hNext;
            c = cNext;
        }
        return new Result(y, h, c);
    }

    private static void lstm(Cell.Lstm cell, List<Activation> acts, LayerWeights w, double[] xw, double[] rh, double clip,
                             double[] h, double[] c, double[] hNext, double[] cNext, int n, int hs, int ss) {
        double[] hFull = new double[hs];
        for (int j = 0; j < hs; j++) {
            double cOld = c[n * hs + j];
            double i = acts.get(0).apply(clamp(xw[j] + rh[j] + peep(cell, w, Gate.INPUT, j, hs) * cOld, clip));
            double f = acts.get(0).apply(clamp(xw[hs + j] + rh[hs + j] + peep(cell, w, Gate.FORGET, j, hs) * cOld, clip));
            if (cell.coupling() == Cell.Coupling.FORGET_FROM_INPUT) f = 1 - i;
            if (cell.coupling() == Cell.Coupling.INPUT_FROM_FORGET) i = 1 - f;
            double gg = acts.get(1).apply(clamp(xw[2 * hs + j] + rh[2 * hs + j], clip));
            double cNew = f * cOld + i * gg;
            double o = acts.get(0).apply(clamp(xw[3 * hs + j] + rh[3 * hs + j] + peep(cell, w, Gate.OUTPUT, j, hs) * cNew, clip));
            cNext[n * hs + j] = cNew;
            hFull[j] = o * acts.get(2).apply(cNew);
        }
        for (int s = 0; s < ss; s++) {
            if (!cell.hasProjection()) {
                hNext[n * ss + s] = hFull[s];
                continue;
            }
            double p = 0;
            for (int j = 0; j < hs; j++) p += w.projection()[s * hs + j] * hFull[j];
            hNext[n * ss + s] = p;
        }
    }

    private static double peep(Cell.Lstm cell, LayerWeights w, Gate gate, int j, int hs) {
        return cell.hasPeephole(gate) ? w.peephole()[gate.peepholeRow() * hs + j] : 0.0;
    }

    private static double clamp(double v, double clip) {
        return Math.max(-clip, Math.min(clip, v));
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
