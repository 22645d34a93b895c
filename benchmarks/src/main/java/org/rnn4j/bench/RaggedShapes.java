package org.rnn4j.bench;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Ragged batches on oneDNN, each length pattern against the same batch padded to T, in one JVM: the first call (which
 * builds the shapes) and the median of the following calls. {@code lstm} is native; {@code composed} is an LSTM with
 * clip (composed cells); {@code gru} a reset-before GRU. Patterns: {@code padded} (every length T), {@code distinct}
 * (N lengths spread over [1, T]), {@code uniform} (lengths uniform in [1, T], one of T; S2_RAGGED's draw).
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.rnn4j.bench.RaggedShapes KIND N T H PATTERN[,PATTERN...]}
 * ({@code -Diters=11} timed calls). Results and the before/after comparison: docs/benchmarks.md.
 */
public final class RaggedShapes {
    private RaggedShapes() {}

    public static void main(String[] a) throws Exception {
        String kind = a[0];
        int n = Integer.parseInt(a[1]), t = Integer.parseInt(a[2]), hsz = Integer.parseInt(a[3]);
        String[] modes = a[4].split(",");
        RnnSpec.Builder sb = RnnSpec.builder(kind.equals("gru") ? Cell.gru(Cell.ResetMode.RESET_BEFORE) : new Cell.Lstm()).inputSize(hsz).hiddenSize(hsz);
        if (kind.equals("composed")) sb.clip(3f);
        RnnSpec spec = sb.build();
        RnnWeights w = RnnWeights.random(spec, 1);
        Backend b = Backends.select("onednn");
        float[] x = new float[n * t * hsz];
        Random r = new Random(5);
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
        try (PreparedRnn p = b.prepare(spec, w)) {
            for (String mode : modes) {
                int[] lens = new int[n];
                SplittableRandom sr = new SplittableRandom(3);
                for (int i = 0; i < n; i++) lens[i] = switch (mode) {
                    case "padded" -> t;
                    case "distinct" -> 1 + (int) ((long) i * t / n);
                    default -> 1 + sr.nextInt(t);
                };
                if (mode.equals("uniform")) lens[0] = t;
                RnnInput in = RnnInput.builder(x, Layout.TIME_MAJOR, t, n).sequenceLengths(lens).build();
                long t0 = System.nanoTime();
                p.forward(in);
                long first = System.nanoTime() - t0;
                int iters = Integer.getInteger("iters", 11);
                double[] ms = new double[iters];
                for (int i = 0; i < iters; i++) { t0 = System.nanoTime(); p.forward(in); ms[i] = (System.nanoTime() - t0) / 1e6; }
                Arrays.sort(ms);
                System.out.printf("%s %s N=%d T=%d H=%d distinct=%d first=%.1f ms median=%.2f ms%n", kind, mode, n, t, hsz,
                        Arrays.stream(lens).distinct().count(), first / 1e6, ms[iters / 2]);
            }
        }
    }
}
