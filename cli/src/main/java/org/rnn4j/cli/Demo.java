package org.rnn4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.rnn4j.Backend;
import org.rnn4j.BackendUnavailableException;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * What {@code rnn4j} with no arguments does: a small stacked bidirectional LSTM on the default backend (the
 * reference, with a note, when no backend was named and no native backend can run), printing what it did. A backend
 * named by {@value Backends#PROPERTY} or {@value Backends#ENV} that is unknown or unavailable is an error, as for
 * the other commands. Single-use.
 */
final class Demo {
    static final int INPUT = 16, HIDDEN = 32, LAYERS = 2, BATCH = 4, STEPS = 10;
    private static final long SEED = 2024;

    private final PrintWriter out;

    Demo(PrintWriter out) { this.out = out; }

    int run() {
        Backend backend;
        try {
            backend = Backends.select();
        } catch (BackendUnavailableException e) {
            // A typo in a name the user gave must not pass as "nothing native here": only the automatic choice falls back.
            if (Backends.configuredName().isPresent()) throw e;
            out.println("note: no native backend can run here (" + Main.oneLine(e.getMessage()) + ")");
            out.println("note: falling back to the pure-Java float64 reference backend; it is exact but slow. "
                    + "Run 'rnn4j info' to see what is missing.");
            backend = Backends.select("reference");
        }
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm()).inputSize(INPUT).hiddenSize(HIDDEN).layers(LAYERS)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build();
        RnnWeights weights = RnnWeights.random(spec, SEED);
        float[] x = new float[STEPS * BATCH * INPUT];
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);

        out.println("rnn4j demo (no arguments; 'rnn4j --help' lists the commands)");
        out.println("backend:  " + backend.name() + " (" + backend.probe() + ")");
        out.println("spec:     " + spec.caseName());
        long t0 = System.nanoTime();
        RnnOutput y;
        long t1;
        try (PreparedRnn prepared = backend.prepare(spec, weights)) {
            t1 = System.nanoTime();
            y = prepared.forward(RnnInput.of(x, STEPS, BATCH));
        }
        long t2 = System.nanoTime();
        int ld = LAYERS * spec.direction().count();
        out.println(String.format(Locale.ROOT, "input:    X [T=%d, N=%d, I=%d] time-major, uniform(-1, 1), seed %d", STEPS, BATCH, INPUT, SEED + 1));
        out.println(String.format(Locale.ROOT, "output:   Y [%d, %d, %d], h [%d, %d, %d], c [%d, %d, %d]",
                STEPS, BATCH, spec.outputSize(), ld, BATCH, spec.stateSize(), ld, BATCH, HIDDEN));
        out.println(String.format(Locale.ROOT, "time:     prepare %.2f ms, forward %.2f ms", (t1 - t0) / 1e6, (t2 - t1) / 1e6));
        double sum = 0;
        double sumAbs = 0;
        for (float v : y.y()) {
            sum += v;
            sumAbs += Math.abs(v);
        }
        out.println(String.format(Locale.ROOT, "checksum: sum(Y) = %.6f, sum|Y| = %.6f", sum, sumAbs));
        return 0;
    }
}
