package org.rnn4j.cudnn;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * The shapes PyTorch was timed on (shared/gpu/README.md; {@code native-config/cudnn/gpu-torch-bench.py} times them
 * again on the same machine), F32 and F16, one thread, 10 warm-up calls, medians in µs of 30 calls each:
 * <ul>
 *   <li><b>host</b>: wall time of {@code forward}, host arrays in and out — staging, copies, f16 conversion and the
 *       final synchronize included; the figure a JVM caller sees;
 *   <li><b>host pageable</b>: the same with {@link PinnedBuffer#LIMIT_PROPERTY}=0, every copy staged in pageable
 *       memory allocated for the call (as before pinned staging);
 *   <li><b>cuDNN</b>: CUDA events around {@code cudnnRNNForward} in 30 further calls ({@link StreamTimer}), the
 *       GPU time alone, comparable with PyTorch's events around a call on device tensors. Native specs only: the
 *       composed rows print "-".
 * </ul>
 * Used by {@link GpuSelfCheck} only.
 */
final class Bench {
    private Bench() {}

    /** Prints the table: {@link #HEADER}, then a row per shape as it completes. */
    static void run(CudnnBackend cudnn, boolean smoke) {
        System.out.println(HEADER);
        table(cudnn, smoke, System.out::println);
    }

    /**
     * The rows, each given to {@code out} as it completes. {@code smoke}: every shape cut to B ≤ 2, T ≤ 3, H = 8 and
     * 2 warm-up + 3 timed calls, to check the whole measurement on the host CUDA stand-in (its figures mean nothing).
     */
    static void table(CudnnBackend cudnn, boolean smoke, Consumer<String> out) {
        Object[][] shapes = {
            {"S1", "lstm", 1, 1, 256}, {"S2", "lstm", 64, 50, 512}, {"S3", "lstm", 16, 25, 1024},
            {"S4", "gru", 32, 100, 512}, {"S5", "lstm", 4, 500, 256}, {"L1", "lstm", 64, 100, 1024},
            {"L2", "gru", 64, 100, 1024}, {"L3", "lstm", 256, 50, 512},
            // The composed path on the S2 / S4 shapes: what a feature cuDNN lacks costs next to the native rows.
            {"S2-peephole", "lstm-peephole", 64, 50, 512}, {"S4-reset-before", "gru-rb", 32, 100, 512}};
        for (Object[] s : shapes) {
            int batch = smoke ? Math.min((int) s[2], 2) : (int) s[2];
            int steps = smoke ? Math.min((int) s[3], 3) : (int) s[3];
            int hidden = smoke ? 8 : (int) s[4];
            int warmUp = smoke ? 2 : 10;
            int timed = smoke ? 3 : 30;
            StringBuilder row = new StringBuilder();
            row.append(s[0]).append(" | ").append(s[1]).append(" | ").append(batch).append(" | ").append(steps).append(" | ").append(hidden);
            for (DataType dt : new DataType[] {DataType.F32, DataType.F16}) {
                double[] pinned = medians(cudnn, (String) s[1], batch, steps, hidden, dt, PinnedBuffer.limitBytes(null), warmUp, timed);
                double[] pageable = medians(cudnn, (String) s[1], batch, steps, hidden, dt, 0, warmUp, timed);
                row.append(" | ").append(String.format(Locale.ROOT, "%.0f", pinned[0]));
                row.append(" | ").append(String.format(Locale.ROOT, "%.0f", pageable[0]));
                row.append(" | ").append(Double.isNaN(pinned[1]) ? "-" : String.format(Locale.ROOT, "%.0f", pinned[1]));
            }
            out.accept(row.toString());
        }
    }

    /** The table's header; gpu-compare.py looks for it. */
    static final String HEADER = "shape | cell | B | T | H | f32 host µs | f32 host pageable µs | f32 cuDNN µs"
            + " | f16 host µs | f16 host pageable µs | f16 cuDNN µs";

    /**
     * {host median, cuDNN median (NaN on the composed path)} in µs, prepared with a pinned staging limit of
     * {@code pinnedLimit} bytes.
     */
    private static double[] medians(CudnnBackend cudnn, String cell, int batch, int steps, int h, DataType dt, long pinnedLimit,
                                    int warmUp, int timed) {
        Cell c;
        switch (cell) {
            case "gru": c = Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET); break;
            case "gru-rb": c = Cell.gru(Cell.ResetMode.RESET_BEFORE); break;
            case "lstm-peephole": c = Cell.lstm().withAllPeepholes(); break;
            default: c = Cell.lstm();
        }
        RnnSpec spec = RnnSpec.builder(c).inputSize(h).hiddenSize(h).dataType(dt).build();
        float[] x = GpuSelfCheck.uniform(new SplittableRandom(1), batch * steps * h);
        RnnInput in = RnnInput.of(x, steps, batch);
        try (PreparedRnn rnn = cudnn.prepare(spec, RnnWeights.random(spec, 1), () -> pinnedLimit)) {
            for (int i = 0; i < warmUp; i++) rnn.forward(in);
            double[] host = new double[timed];
            for (int i = 0; i < host.length; i++) {
                long t0 = System.nanoTime();
                rnn.forward(in);
                host[i] = (System.nanoTime() - t0) / 1e3;
            }
            // Then the same calls again with the events on, so the host figure carries none of their cost.
            if (!(rnn instanceof CudnnPreparedRnn)) return new double[] {median(host), Double.NaN};
            CudnnPreparedRnn nativeRnn = (CudnnPreparedRnn) rnn;
            nativeRnn.timeDevice();
            double[] device = new double[host.length];
            for (int i = 0; i < device.length; i++) {
                rnn.forward(in);
                device[i] = nativeRnn.lastDeviceMicros();
            }
            return new double[] {median(host), median(device)};
        }
    }

    /** The middle value, or the mean of the middle two (as Python's statistics.median, which gpu-torch-bench.py uses). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
