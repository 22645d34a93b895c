package org.rnn4j.cudnn;

import java.util.List;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.OutputKind;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.cudnn.GpuOps.Kernel;
import org.rnn4j.cudnn.GpuOps.Ref;

/**
 * The composed GPU path: every spec cuDNN's RNN cannot run as one call (peepholes, GRU reset-before, ONNX clip,
 * any activations, LSTMP with P ≥ H), and any other spec too, computed on the device from cuBLAS GEMMs and the
 * NVRTC kernels of {@code org/rnn4j/cudnn/kernels/}. Per layer and direction: one GEMM projects the inputs of all
 * steps at once; then each step runs one recurrent GEMM over the rows still active and one cell kernel, which writes
 * the new state and the step's output (GRU reset-before: two kernels and a second GEMM; LSTMP: a projection GEMM
 * and a copy into the output). A reverse direction mirrors its input
 * projection and its output per sequence length on the device. Bidirectional-sum and concat both feed the next
 * layer through one GEMM per previous direction (sum: the same W for both; concat: W's column block of that
 * direction). Nothing but packing and unpacking during the copies runs on the host.
 *
 * <p>Immutable after {@link #upload}; {@link #forward} may run concurrently with different {@link GpuOps}.
 */
final class ComposedStack {
    private final RnnSpec spec;
    private final ComposedWeights weights;

    private ComposedStack(RnnSpec spec, ComposedWeights weights) {
        this.spec = spec;
        this.weights = weights;
    }

    static ComposedStack upload(RnnSpec spec, RnnWeights w, GpuDevice device, GpuOps ops) {
        return new ComposedStack(spec, ComposedWeights.upload(spec, w, device, ops));
    }

    /** Frees the weights; after every call has finished. */
    void release(GpuDevice device) { weights.release(device); }

    /** One forward call on {@code ops}'s stream; returns once the results are on the host. */
    RnnOutput forward(RnnInput in, GpuOps ops) {
        SortedBatch batch = new SortedBatch(in.steps(), in.batch(), in.sequenceLengths());
        int n = in.batch();
        int s = spec.stateSize();
        int h = spec.hiddenSize();
        int ld = spec.layers() * spec.direction().count();
        boolean lstm = spec.cell() instanceof Cell.Lstm;
        boolean wantY = in.wants(OutputKind.Y, spec);
        boolean wantH = in.wants(OutputKind.H_FINAL, spec);
        boolean wantC = lstm && in.wants(OutputKind.C_FINAL, spec);
        boolean sum = spec.direction() == Direction.BIDIRECTIONAL_SUM;

        float[] hx = batch.packStates(in.initialH(), ld, s);
        float[] cx = lstm ? batch.packStates(in.initialC(), ld, h) : null;
        // Final states as downloaded; with no step to run, the initial ones.
        float[] hy = wantH && batch.maxLength() > 0 ? new float[hx.length] : hx;
        float[] cy = wantC && batch.maxLength() > 0 ? new float[cx.length] : cx;
        // The last layer's Y as it comes back: one array per direction, or one for BIDIRECTIONAL_SUM (added on the device).
        float[][] ys = new float[sum ? 1 : spec.direction().count()][];
        if (batch.maxLength() > 0) {
            float[] x = batch.packX(in.x(), in.layout(), spec.inputSize());
            Run run = new Run(ops, batch);
            Ref[] last = run.layers(x, hx, cx);
            // Downloads are queued behind the compute; one wait for all of them.
            if (wantY) {
                int rows = batch.maxLength() * n;
                Ref[] parts = last;
                if (sum) {
                    Ref summed = ops.scratch("y-sum", (long) rows * s).at(0);
                    ops.launch(Kernel.SUM_DIRECTIONS, (long) rows * s, last[0], last[1], s, summed, rows, s);
                    parts = new Ref[] {summed};
                }
                for (int d = 0; d < ys.length; d++) {
                    run.roundToHalf(parts[d], (long) rows * s);
                    ops.download(parts[d], ys[d] = new float[rows * s]);
                }
            }
            if (wantH) {
                run.roundToHalf(run.hState, hx.length);
                ops.download(run.hState, hy);
            }
            if (wantC) {
                run.roundToHalf(run.cState, cx.length);
                ops.download(run.cState, cy);
            }
            ops.finish();
        } else if (wantY) {
            for (int d = 0; d < ys.length; d++) ys[d] = new float[0];
        }
        // A zero-length sequence's final states are its initial ones as given (F16 too, unrounded), in a mixed batch
        // as in an all-zero one, and as on the native path (SequenceStaging.restoreZeroLengthStates).
        float[] y = wantY ? batch.unpackY(ys, in.layout(), s) : null;
        float[] hOut = wantH ? batch.unpackStates(hy, hx, ld, s) : null;
        float[] cOut = wantC ? batch.unpackStates(cy, cx, ld, h) : null;
        return new RnnOutput(y, hOut, cOut, in.layout(), in.steps(), n, spec.outputSize());
    }

    /** The device work of one call: buffers and the layer loop. */
    private final class Run {
        private final GpuOps ops;
        private final SortedBatch batch;
        private final int n;
        private final int maxT;
        private final int s;
        private final int h;
        private final int gh; // G·H: width of a gate projection
        private final int dirs;
        private final float clip;
        private final Ref lengths;
        final Ref hState; // [L·D, N, S]: initial states, updated in place to the final ones
        final Ref cState; // [L·D, N, H] (LSTM)
        private final Ref recurrent; // [N, G·H]: one step's R·h
        private final Ref fullH;     // [N, H]: LSTMP's unprojected h, else null
        private final Ref resetH;    // [N, H]: reset-before GRU's r ⊙ h, else null

        Run(GpuOps ops, SortedBatch batch) {
            this.ops = ops;
            this.batch = batch;
            this.n = batch.batch();
            this.maxT = batch.maxLength();
            this.s = spec.stateSize();
            this.h = spec.hiddenSize();
            this.gh = spec.cell().gateCount() * h;
            this.dirs = spec.direction().count();
            this.clip = spec.clip().isPresent() ? (float) spec.clip().getAsDouble() : 0f;
            boolean anyReverse = spec.direction() != Direction.FORWARD;
            this.lengths = anyReverse ? ops.scratchInts("lengths", n).at(0) : null;
            if (anyReverse) ops.upload(batch.sortedLengths(), lengths);
            int ld = spec.layers() * dirs;
            this.hState = ops.scratch("h", (long) ld * n * s).at(0);
            this.cState = spec.cell() instanceof Cell.Lstm ? ops.scratch("c", (long) ld * n * h).at(0) : null;
            this.recurrent = ops.scratch("gh", (long) n * gh).at(0);
            Cell cell = spec.cell();
            boolean projected = cell instanceof Cell.Lstm && ((Cell.Lstm) cell).hasProjection();
            boolean resetBefore = cell instanceof Cell.Gru && ((Cell.Gru) cell).resetMode() == Cell.ResetMode.RESET_BEFORE;
            this.fullH = projected ? ops.scratch("h-full", (long) n * h).at(0) : null;
            this.resetH = resetBefore ? ops.scratch("r-times-h", (long) n * h).at(0) : null;
        }

        /** F16 only: rounds {@code count} floats at {@code r} in place to the nearest half values, on the device. */
        void roundToHalf(Ref r, long count) {
            if (spec.dataType() == DataType.F16) ops.launch(Kernel.HALF_ROUND, count, r, Math.toIntExact(count));
        }

        /** Runs every layer; returns the last layer's outputs per direction, {@code [maxT, N, S]} in true time. */
        Ref[] layers(float[] x, float[] hx, float[] cx) {
            Ref input = ops.scratch("x", (long) maxT * n * spec.inputSize()).at(0);
            ops.upload(x, input);
            ops.upload(hx, hState);
            if (cState != null) ops.upload(cx, cState);
            // F16: the data is rounded to half values on the device; the weights were rounded at upload.
            roundToHalf(input, x.length);
            roundToHalf(hState, hx.length);
            if (cState != null) roundToHalf(cState, cx.length);
            Ref[] previous = null;
            for (int l = 0; l < spec.layers(); l++) {
                Ref[] outputs = new Ref[dirs];
                for (int d = 0; d < dirs; d++) {
                    outputs[d] = ops.scratch("y" + (l % 2) + d, (long) maxT * n * s).at(0);
                    direction(l, d, l == 0 ? new Ref[] {input} : previous, outputs[d]);
                }
                previous = outputs;
            }
            return previous;
        }

        private void direction(int layer, int d, Ref[] inputs, Ref y) {
            ComposedWeights.Parts p = weights.of(layer, d, dirs);
            boolean reversed = spec.direction() == Direction.REVERSE || (dirs == 2 && d == 1);
            Ref gx = ops.scratch("gx", (long) maxT * n * gh).at(0);
            project(layer, p, inputs, gx);
            if (reversed) {
                Ref mirrored = ops.scratch("gx-reversed", (long) maxT * n * gh).at(0);
                mirror(gx, mirrored, gh);
                gx = mirrored;
            }
            // A reversed direction runs in mirrored time into a scratch output and is mirrored back. Rows past a
            // sequence's length are never written: nothing reads them (the next layer's GEMM projects them into gx
            // rows no step reads, and unpacking stops at each length), so they are not zeroed either.
            Ref out = reversed ? ops.scratch("y-reversed", (long) maxT * n * s).at(0) : y;
            int slot = layer * dirs + d;
            Ref hSlot = hState.plus((long) slot * n * s);
            Ref cSlot = cState == null ? null : cState.plus((long) slot * n * h);
            List<Activation> acts = spec.activationsOf(d);
            for (int t = 0; t < maxT; t++) {
                step(p, acts, gx.plus((long) t * n * gh), hSlot, cSlot, out.plus((long) t * n * s), batch.active(t));
            }
            if (reversed) mirror(out, y, s);
        }

        /** gx {@code [maxT·N, G·H]} = inputs · Wᵀ: one GEMM per input (layer 0: X; later: each previous direction). */
        private void project(int layer, ComposedWeights.Parts p, Ref[] inputs, Ref gx) {
            int rows = maxT * n;
            int k = spec.layerInputSize(layer);
            if (layer == 0) {
                ops.gemm(rows, gh, k, inputs[0], k, weights.at(p.w()), k, 0f, gx, gh);
                return;
            }
            boolean concat = spec.direction() == Direction.BIDIRECTIONAL_CONCAT;
            for (int i = 0; i < inputs.length; i++) {
                // Concat: W's columns [i·S, (i+1)·S) read direction i. Sum: W (K = S) reads each direction, so
                // W·y_fwd + W·y_bwd = W·(y_fwd + y_bwd).
                long columns = concat ? (long) i * s : 0;
                ops.gemm(rows, gh, s, inputs[i], s, weights.at(p.w() + columns), k, i == 0 ? 0f : 1f, gx, gh);
            }
        }

        private void mirror(Ref from, Ref to, int channels) {
            ops.launch(Kernel.REVERSE_SEQUENCES, (long) maxT * n * channels, from, to, lengths, maxT, n, channels);
        }

        /**
         * One step over the first {@code rows} sequences: recurrent GEMM(s) and the cell kernel(s), which write the
         * new h both to the state and to this step's output rows {@code yT} (LSTMP: a copy after the projection).
         */
        private void step(ComposedWeights.Parts p, List<Activation> acts, Ref gxT, Ref hSlot, Ref cSlot, Ref yT, int rows) {
            Ref r = weights.at(p.r());
            Ref wb = weights.at(p.wBias());
            Ref rb = weights.at(p.rBias());
            Ref ghT = recurrent;
            long threads = (long) rows * h;
            Cell cell = spec.cell();
            if (cell instanceof Cell.Rnn) {
                ops.gemm(rows, h, s, hSlot, s, r, s, 0f, ghT, h);
                ops.launch(Kernel.RNN_STEP, threads, concat(new Object[] {gxT, ghT, wb, rb, hSlot, yT, rows, h, clip}, args(acts.get(0))));
            } else if (cell instanceof Cell.Lstm) {
                Cell.Lstm c = (Cell.Lstm) cell;
                ops.gemm(rows, gh, s, hSlot, s, r, s, 0f, ghT, gh);
                Ref peep = p.peephole() >= 0 ? weights.at(p.peephole()) : null;
                Ref full = c.hasProjection() ? fullH : hSlot;
                ops.launch(Kernel.LSTM_STEP, threads, concat(new Object[] {gxT, ghT, wb, rb, peep, peepholeMask(c), cSlot, full,
                        c.hasProjection() ? null : yT, rows, h, coupling(c), clip}, args(acts.get(0)), args(acts.get(1)),
                        args(acts.get(2))));
                if (c.hasProjection()) {
                    ops.gemm(rows, s, h, full, h, weights.at(p.projection()), h, 0f, hSlot, s);
                    ops.copy(hSlot, yT, (long) rows * s);
                }
            } else if (((Cell.Gru) cell).resetMode() == Cell.ResetMode.LINEAR_BEFORE_RESET) {
                ops.gemm(rows, gh, s, hSlot, s, r, s, 0f, ghT, gh);
                ops.launch(Kernel.GRU_STEP, threads, concat(new Object[] {gxT, ghT, wb, rb, hSlot, yT, rows, h, 1, clip},
                        args(acts.get(0)), args(acts.get(1))));
            } else {
                // z and r blocks of R·h, then r ⊙ h, then the n block R_n·(r ⊙ h) into gh's third block.
                ops.gemm(rows, 2 * h, s, hSlot, s, r, s, 0f, ghT, gh);
                Ref rh = resetH;
                ops.launch(Kernel.GRU_RESET, threads, concat(new Object[] {gxT, ghT, wb, rb, hSlot, rh, rows, h, clip},
                        args(acts.get(0))));
                ops.gemm(rows, h, h, rh, h, r.plus(2L * h * s), s, 0f, ghT.plus(2L * h), gh);
                ops.launch(Kernel.GRU_STEP, threads, concat(new Object[] {gxT, ghT, wb, rb, hSlot, yT, rows, h, 0, clip},
                        args(acts.get(0)), args(acts.get(1))));
            }
        }
    }

    /** lstm_step.cu's peepMask: bit 1 input, 2 forget, 4 output gate. */
    private static int peepholeMask(Cell.Lstm c) {
        return (c.hasPeephole(Gate.INPUT) ? 1 : 0) | (c.hasPeephole(Gate.FORGET) ? 2 : 0) | (c.hasPeephole(Gate.OUTPUT) ? 4 : 0);
    }

    /** lstm_step.cu's coupling code: 0 none, 1 f = 1 − i, 2 i = 1 − f. */
    private static int coupling(Cell.Lstm c) {
        switch (c.coupling()) {
            case FORGET_FROM_INPUT: return 1;
            case INPUT_FROM_FORGET: return 2;
            default: return 0;
        }
    }

    /** An activation as the kernels take it: code, alpha, beta. */
    private static Object[] args(Activation a) {
        return new Object[] {KernelSources.activationCode(a), (float) a.alpha(), (float) a.beta()};
    }

    private static Object[] concat(Object[]... parts) {
        int total = 0;
        for (Object[] p : parts) total += p.length;
        Object[] out = new Object[total];
        int at = 0;
        for (Object[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
