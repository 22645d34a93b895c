package org.rnn4j.reference;

import java.nio.FloatBuffer;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Layout;
import org.rnn4j.OutputKind;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.spi.AbstractPreparedRnn;

/**
 * The float64 reference: every sequence, layer and direction walked one step at a time. Thread-safe (no mutable
 * state beyond the call); holds no native resources.
 */
final class ReferencePreparedRnn extends AbstractPreparedRnn {
    private final RnnWeights weights;

    ReferencePreparedRnn(RnnSpec spec, RnnWeights weights) {
        super(spec, ReferenceBackend.NAME);
        this.weights = weights;
    }

    @Override
    protected RnnOutput compute(RnnInput in) {
        RnnSpec spec = spec();
        int steps = in.steps();
        int batch = in.batch();
        int dirs = spec.direction().count();
        int s = spec.stateSize();
        int hs = spec.hiddenSize();
        boolean lstm = spec.cell() instanceof Cell.Lstm;

        double[][][] layerInput = readInput(in, spec.inputSize());
        double[] hFinal = new double[spec.layers() * dirs * batch * s];
        double[] cFinal = new double[spec.layers() * dirs * batch * hs];
        for (int l = 0; l < spec.layers(); l++) {
            // out[d][t][n][:] is direction d's output at step t; zero where t >= length.
            double[][][][] out = new double[dirs][steps][batch][s];
            for (int d = 0; d < dirs; d++) {
                boolean backwards = spec.direction() == Direction.REVERSE || d == 1;
                ReferenceCells.StepContext ctx = new ReferenceCells.StepContext(spec.cell(), weights.get(l, d),
                        spec.layerInputSize(l), hs, s, spec.activationsOf(d), spec.clip());
                int ld = l * dirs + d;
                for (int n = 0; n < batch; n++) {
                    double[] h = initial(in.initialH(), ld, n, batch, s);
                    double[] c = initial(lstm ? in.initialC() : null, ld, n, batch, hs);
                    int len = in.lengthOf(n);
                    for (int k = 0; k < len; k++) {
                        int t = backwards ? len - 1 - k : k;
                        double[] x = layerInput[t][n];
                        if (spec.cell() instanceof Cell.Rnn) h = ReferenceCells.rnnStep(ctx, x, h);
                        else if (lstm) h = ReferenceCells.lstmStep(ctx, x, h, c);
                        else h = ReferenceCells.gruStep(ctx, x, h);
                        out[d][t][n] = h;
                    }
                    System.arraycopy(h, 0, hFinal, (ld * batch + n) * s, s);
                    if (lstm) System.arraycopy(c, 0, cFinal, (ld * batch + n) * hs, hs);
                }
            }
            layerInput = combine(spec.direction(), out, steps, batch, s);
        }
        float[] y = in.wants(OutputKind.Y, spec) ? writeOutput(layerInput, in.layout(), steps, batch, spec.outputSize()) : null;
        return new RnnOutput(y,
                in.wants(OutputKind.H_FINAL, spec) ? toFloat(hFinal) : null,
                lstm && in.wants(OutputKind.C_FINAL, spec) ? toFloat(cFinal) : null,
                in.layout(), steps, batch, spec.outputSize());
    }

    private static double[][][] readInput(RnnInput in, int channels) {
        FloatBuffer x = in.x();
        double[][][] v = new double[in.steps()][in.batch()][channels];
        for (int t = 0; t < in.steps(); t++) {
            for (int n = 0; n < in.batch(); n++) {
                for (int c = 0; c < channels; c++) {
                    v[t][n][c] = x.get((int) in.layout().offset(t, n, c, in.steps(), in.batch(), channels));
                }
            }
        }
        return v;
    }

    private static double[] initial(float[] states, int ld, int n, int batch, int width) {
        double[] v = new double[width];
        if (states != null) {
            for (int j = 0; j < width; j++) v[j] = states[(ld * batch + n) * width + j];
        }
        return v;
    }

    /** Concatenates (forward first) or sums the directions: the next layer's input and the final Y. */
    private static double[][][] combine(Direction direction, double[][][][] out, int steps, int batch, int s) {
        if (out.length == 1) return out[0];
        boolean concat = direction == Direction.BIDIRECTIONAL_CONCAT;
        double[][][] v = new double[steps][batch][concat ? 2 * s : s];
        for (int t = 0; t < steps; t++) {
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < s; j++) {
                    if (concat) {
                        v[t][n][j] = out[0][t][n][j];
                        v[t][n][s + j] = out[1][t][n][j];
                    } else {
                        v[t][n][j] = out[0][t][n][j] + out[1][t][n][j];
                    }
                }
            }
        }
        return v;
    }

    private static float[] writeOutput(double[][][] v, Layout layout, int steps, int batch, int channels) {
        float[] y = new float[steps * batch * channels];
        for (int t = 0; t < steps; t++) {
            for (int n = 0; n < batch; n++) {
                for (int c = 0; c < channels; c++) {
                    y[(int) layout.offset(t, n, c, steps, batch, channels)] = (float) v[t][n][c];
                }
            }
        }
        return y;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    @Override
    protected void release() {
        // Nothing native to free.
    }
}
