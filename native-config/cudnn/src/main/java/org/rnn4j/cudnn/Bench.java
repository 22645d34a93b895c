package org.rnn4j.cudnn;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Median wall time per {@code forward} (host to host, including copies) for the shapes PyTorch was timed on
 * (/work/shared/gpu/README.md), F32 and F16. Single-threaded; used by {@link GpuSelfCheck} only.
 */
final class Bench {
    private Bench() {}

    static void run(CudnnBackend cudnn) {
        Object[][] shapes = {
            {"S1", "lstm", 1, 1, 256}, {"S2", "lstm", 64, 50, 512}, {"S3", "lstm", 16, 25, 1024},
            {"S4", "gru", 32, 100, 512}, {"S5", "lstm", 4, 500, 256}, {"L1", "lstm", 64, 100, 1024},
            {"L2", "gru", 64, 100, 1024}, {"L3", "lstm", 256, 50, 512},
            // The composed path on the S2 / S4 shapes: what a feature cuDNN lacks costs next to the native rows.
            {"S2-peephole", "lstm-peephole", 64, 50, 512}, {"S4-reset-before", "gru-rb", 32, 100, 512}};
        System.out.println("shape | cell | B | T | H | f32 median µs | f16 median µs");
        for (Object[] s : shapes) {
            StringBuilder row = new StringBuilder();
            row.append(s[0]).append(" | ").append(s[1]).append(" | ").append(s[2]).append(" | ").append(s[3]).append(" | ").append(s[4]);
            for (DataType dt : new DataType[] {DataType.F32, DataType.F16}) {
                row.append(" | ").append(String.format("%.0f", median(cudnn, (String) s[1], (int) s[2], (int) s[3], (int) s[4], dt)));
            }
            System.out.println(row);
        }
    }

    private static double median(CudnnBackend cudnn, String cell, int batch, int steps, int h, DataType dt) {
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
        try (PreparedRnn rnn = cudnn.prepare(spec, RnnWeights.random(spec, 1))) {
            for (int i = 0; i < 10; i++) rnn.forward(in);
            double[] t = new double[30];
            for (int i = 0; i < t.length; i++) {
                long t0 = System.nanoTime();
                rnn.forward(in);
                t[i] = (System.nanoTime() - t0) / 1e3;
            }
            Arrays.sort(t);
            return t[t.length / 2];
        }
    }
}
