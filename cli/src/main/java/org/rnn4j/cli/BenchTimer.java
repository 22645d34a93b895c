package org.rnn4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import org.rnn4j.Backend;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Times forward calls of one prepared spec: untimed warm-up calls, then one wall-clock measurement per call.
 * Reports progress on {@code progress}: a bar redrawn in place on a terminal, plain lines otherwise (so logs and
 * pipes stay readable). Single-threaded; one instance per command.
 */
final class BenchTimer {
    /** Per-call wall times of one backend, in nanoseconds. */
    record Stats(long[] nanos) {
        double medianNanos() {
            long[] s = nanos.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
        }

        long minNanos() { return Arrays.stream(nanos).min().orElseThrow(); }

        long maxNanos() { return Arrays.stream(nanos).max().orElseThrow(); }
    }

    private static final int BAR_WIDTH = 30;
    private final PrintWriter progress;
    private final boolean terminal;

    BenchTimer(PrintWriter progress, boolean terminal) {
        this.progress = progress;
        this.terminal = terminal;
    }

    /** Prepares {@code spec} on {@code backend}, runs {@code warmup} untimed and {@code iterations} timed calls. */
    Stats time(Backend backend, RnnSpec spec, RnnWeights weights, RnnInput in, int warmup, int iterations) {
        String name = backend.name();
        long[] nanos = new long[iterations];
        try (PreparedRnn rnn = backend.prepare(spec, weights)) {
            for (int i = 0; i < warmup; i++) {
                rnn.forward(in);
                show(name, "warm-up", i + 1, warmup);
            }
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                rnn.forward(in);
                nanos[i] = System.nanoTime() - t0;
                show(name, "timing", i + 1, iterations);
            }
        }
        if (terminal) progress.print("\r" + " ".repeat(BAR_WIDTH + 40) + "\r");
        progress.flush();
        return new Stats(nanos);
    }

    private void show(String backend, String phase, int done, int total) {
        if (terminal) {
            int filled = (int) ((long) BAR_WIDTH * done / total);
            progress.print(String.format(Locale.ROOT, "\r%-10s %-7s [%s%s] %d/%d", backend, phase, "#".repeat(filled),
                    " ".repeat(BAR_WIDTH - filled), done, total));
            progress.flush();
        } else if (done == total) {
            // Plain mode: one line per finished phase, not one per call.
            progress.println(String.format(Locale.ROOT, "bench: %s %s %d/%d done", backend, phase, done, total));
        }
    }
}
