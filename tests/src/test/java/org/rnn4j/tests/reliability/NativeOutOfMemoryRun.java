package org.rnn4j.tests.reliability;

import java.util.Arrays;
import org.bytedeco.javacpp.Pointer;
import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * The child JVM of {@link NativeOutOfMemoryTest}, started with a small JavaCPP {@code maxBytes} and no retries
 * (JavaCPP's GC deallocation stays on: without it JavaCPP neither counts nor caps anything). For each spec it
 * prepares and runs ever larger requests (×1.19 per step, so that JavaCPP's {@code OutOfMemoryError} lands on every
 * allocation of a construction in turn), and after each one checks that
 *
 * <ul>
 *   <li>the failure is JavaCPP's {@code OutOfMemoryError}, nothing else;</li>
 *   <li>the prepared RNN still gives the bit-identical result it gave before, for a small input;</li>
 *   <li>after {@code close()}, JavaCPP's live byte and object counts are back at their baseline exactly: what was
 *       built before the failing allocation was freed, not stranded.</li>
 * </ul>
 *
 * Prints one {@code OOM <case> <site>} line per failure (the rnn4j frame that allocated) and {@code FAIL ...} lines;
 * exits 0 when nothing failed, 3 when oneDNN is unavailable (the reason on the next line).
 */
public final class NativeOutOfMemoryRun {
    /** Sequences per forward request. */
    private static final int N = 64;
    /** {@code -Drnn4j.test.trace=true}: each case on stderr before it runs (to locate a crash). */
    private static final boolean TRACE = Boolean.getBoolean("rnn4j.test.trace");

    private NativeOutOfMemoryRun() {}

    public static void main(String[] args) {
        Backend onednn = Backends.all().stream().filter(b -> b.name().equals("onednn")).findFirst().orElseThrow();
        if (!onednn.probe().available()) {
            System.out.println("UNAVAILABLE");
            System.out.println(onednn.probe().reason());
            System.exit(3);
        }
        // Warm-up: JavaCPP's and oneDNN's lazily created statics belong to the baseline, not to a case.
        for (RnnSpec spec : Subjects.specs()) oneCase(onednn, spec, 1, 1, false, 0);
        long[] baseline = {Pointer.totalBytes(), Pointer.totalCount()};
        long limit = Pointer.maxBytes();
        long start = System.nanoTime();
        int failures = 0;
        for (RnnSpec small : Subjects.specs()) {
            // forward: full-length (fast path where the spec has one) and ragged (the layer driver) requests, on a
            // 32-wide variant so that a few thousand steps reach the cap
            RnnSpec spec = resized(small, 32, 32);
            for (boolean ragged : new boolean[] {false, true}) {
                for (double target = limit / 8.0; target < 2.0 * limit; target *= 1.19) {
                    int perStep = N * (spec.inputSize() + spec.outputSize()) * Float.BYTES; // X and Y bytes per step
                    int t = (int) Math.max(1, target / perStep);
                    failures += oneCase(onednn, spec, t, N, ragged, 0);
                    failures += counters(spec.caseName() + (ragged ? " ragged" : "") + " T=" + t, baseline);
                }
            }
        }
        // prepare: weights large enough that copying them runs out (the composed paths copy them into JavaCPP memory)
        for (RnnSpec base : Subjects.specs()) {
            for (double target = limit / 8.0; target < 2.0 * limit; target *= 1.19) {
                int h = (int) Math.max(2, Math.sqrt(target / (4.0 * base.cell().gateCount() * base.direction().count())));
                RnnSpec spec = resized(base, base.inputSize(), h);
                failures += oneCase(onednn, spec, 1, 1, false, 1);
                failures += counters(spec.caseName() + " prepare H=" + h, baseline);
            }
        }
        System.out.printf("DONE failures=%d in %.1f s%n", failures, (System.nanoTime() - start) / 1e9);
        System.exit(failures == 0 ? 0 : 1);
    }

    /**
     * Prepares {@code spec} (seed {@code seed}), runs a small input, then a {@code t × n} one, then the small one again;
     * an {@code OutOfMemoryError} is reported with its site and must leave the RNN usable. Returns the failures.
     */
    private static int oneCase(Backend onednn, RnnSpec spec, int t, int n, boolean ragged, int seed) {
        String name = spec.caseName() + (ragged ? " ragged" : "") + " T=" + t + " N=" + n;
        if (TRACE) System.err.printf("case %s at %.1f s%n", name, System.nanoTime() / 1e9);
        RnnWeights weights;
        try {
            weights = RnnWeights.random(spec, 11 + seed);
        } catch (OutOfMemoryError e) {
            return 0; // the Java heap, not JavaCPP: the sweep has gone past what this JVM can hold
        }
        PreparedRnn p;
        try {
            p = onednn.prepare(spec, weights);
        } catch (OutOfMemoryError e) {
            return oom(name + " prepare", e);
        }
        try (p) {
            RnnInput small = RnnInput.builder(Subjects.data(5, 3 * 2 * spec.inputSize()), Layout.TIME_MAJOR, 3, 2).build();
            RnnOutput before = p.forward(small);
            int failures = 0;
            RnnInput big = RnnInput.builder(Subjects.data(t, t * n * spec.inputSize()), Layout.TIME_MAJOR, t, n)
                    .sequenceLengths(ragged ? lengths(t, n) : null).build();
            try {
                p.forward(big);
            } catch (OutOfMemoryError e) {
                failures += oom(name, e);
            }
            RnnOutput after = p.forward(small);
            if (!Arrays.equals(before.y(), after.y()) || !Arrays.equals(before.hFinal(), after.hFinal())) {
                System.out.println("FAIL " + name + ": a small input gives another result after the big request");
                failures++;
            }
            return failures;
        } catch (RuntimeException | Error e) {
            System.out.println("FAIL " + name + ": " + e);
            return 1;
        }
    }

    /** {@code spec} with input size {@code i} and hidden size {@code h} (and a projection to h / 2 where it has one). */
    private static RnnSpec resized(RnnSpec spec, int i, int h) {
        Cell cell = spec.cell() instanceof Cell.Lstm l && l.hasProjection() ? l.withProjection(h / 2) : spec.cell();
        return new RnnSpec(cell, i, h, spec.layers(), spec.direction(), spec.clip(), spec.activations(), spec.dataType());
    }

    private static int[] lengths(int t, int n) {
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) lengths[i] = t - (i * t) / (n + 1);
        return lengths;
    }

    /** Prints where JavaCPP ran out: the innermost rnn4j frame. Not a failure unless it is not JavaCPP's. */
    private static int oom(String name, OutOfMemoryError e) {
        String site = "?";
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith("org.rnn4j.") && !f.getClassName().startsWith("org.rnn4j.tests.")) {
                site = f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName();
                break;
            }
        }
        // JavaCPP throws it from its pointer constructors (org.bytedeco.javacpp frames); the Java heap's has none
        boolean javacpp = Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getClassName().startsWith("org.bytedeco.javacpp."));
        System.out.println("OOM " + name + " " + site);
        System.out.flush();
        if (javacpp) return 0;
        System.out.println("FAIL " + name + ": an OutOfMemoryError that is not JavaCPP's: " + e);
        return 1;
    }

    /**
     * JavaCPP's live bytes and objects equal {@code baseline} (every case closes what it prepared); a leak is
     * reported once, then becomes the baseline so the next case is judged on its own.
     */
    private static int counters(String name, long[] baseline) {
        long b = Pointer.totalBytes();
        long c = Pointer.totalCount();
        if (b == baseline[0] && c == baseline[1]) return 0;
        System.out.println("FAIL " + name + ": JavaCPP bytes " + baseline[0] + " -> " + b + ", objects " + baseline[1] + " -> " + c);
        baseline[0] = b;
        baseline[1] = c;
        return 1;
    }
}
