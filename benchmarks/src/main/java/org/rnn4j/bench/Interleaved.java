package org.rnn4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.Backends;
import org.rnn4j.DataType;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * A noise-resistant A/B check for a shared machine: rnn4j (oneDNN), raw oneDNN and, at one thread, ONNX Runtime take
 * turns in one JVM, a short block of calls each (one untimed, {@value #TIMED_PER_BLOCK} timed), the starting one
 * rotating every round, so slow drifts in background load hit all alike; prints the median and the 10th percentile
 * per call of each, and their throughput ratios to the first (rnn4j when it runs). Complements the JMH suite, which
 * measures one implementation per fork. Single-threaded caller.
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.rnn4j.bench.Interleaved SHAPE [ROUNDS [IMPL,...]]}
 */
public final class Interleaved {
    /**
     * Timed calls per implementation per round, after one untimed call: a service calls one model again and again,
     * so that is the state to measure; strict A-B-A-B alternation instead charged each implementation for the other's
     * cache footprint (S5, 2 threads: rnn4j and raw oneDNN equal when run alone, rnn4j 7% behind when alternated).
     */
    static final int TIMED_PER_BLOCK = 3;

    private Interleaved() {}

    public static void main(String[] args) throws Exception {
        BenchShape s = BenchShape.valueOf(args[0].toUpperCase(Locale.ROOT));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        // Optional third argument: which of rnn4j, rnn4j-into, raw-onednn, ort to run (e.g. one alone, under a profiler).
        // At more than one thread ONNX Runtime's thread pool and oneDNN's OpenMP team, in one process on 2 cores, take
        // each other's cores (measured at S5, 2 threads: rnn4j and raw oneDNN 25 and 23 ms alone, 32-56 ms with ORT
        // in the rotation, with ORT's spinning on or off), so there ORT is left to the JMH suite's separate forks.
        List<String> only = args.length > 2 ? List.of(args[2].split(","))
                : BenchMain.ompThreads() > 1 ? List.of("rnn4j", "rnn4j-into", "raw-onednn")
                : List.of("rnn4j", "rnn4j-into", "raw-onednn", "ort");
        RnnSpec spec = s.spec(DataType.F32);
        RnnWeights w = RnnWeights.random(spec, 1);
        RnnInput in = RnnForwardBenchmark.input(s, spec);
        Map<String, Runnable> calls = new LinkedHashMap<>();
        List<AutoCloseable> owned = new ArrayList<>();
        if (only.contains("rnn4j")) {
            PreparedRnn rnn = Backends.select("onednn").prepare(spec, w);
            owned.add(rnn);
            calls.put("rnn4j", () -> rnn.forward(in));
        }
        if (only.contains("rnn4j-into")) {
            // the serving call: Y written into a reused direct buffer (RnnInput.yInto) instead of a new array
            PreparedRnn rnn = Backends.select("onednn").prepare(spec, w);
            owned.add(rnn);
            RnnInput into = RnnForwardBenchmark.inputWithYBuffer(s, spec);
            calls.put("rnn4j-into", () -> rnn.forward(into));
        }
        if (only.contains("raw-onednn")) {
            RawOneDnnRnn raw = RawOneDnnRnn.forShape(s, DataType.F32);
            owned.add(raw);
            calls.put("raw-onednn", raw::run);
        }
        if (only.contains("ort") && OrtRunner.available()) {
            OrtRunner ort = new OrtRunner(spec, w, in, BenchMain.ompThreads());
            owned.add(ort);
            calls.put("ort", ort::run);
        }
        Map<String, long[]> nanos = new LinkedHashMap<>();
        for (String k : calls.keySet()) nanos.put(k, new long[rounds * TIMED_PER_BLOCK]);
        int warm = Math.max(5, rounds / 10);
        List<String> order = new ArrayList<>(calls.keySet());
        for (int r = -warm; r < rounds; r++) {
            // each round starts one implementation later, so each follows every other equally often
            Collections.rotate(order, 1);
            for (String k : order) {
                Runnable call = calls.get(k);
                call.run(); // untimed: the first call after a switch refills the caches the other implementation evicted
                for (int i = 0; i < TIMED_PER_BLOCK; i++) {
                    long t0 = System.nanoTime();
                    call.run();
                    long dt = System.nanoTime() - t0;
                    if (r >= 0) nanos.get(k)[r * TIMED_PER_BLOCK + i] = dt;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s %s, OMP_NUM_THREADS=%d, %d interleaved rounds of 1 + %d calls each, load %s%n", s, s.description,
                BenchMain.ompThreads(), rounds, TIMED_PER_BLOCK, BenchReport.loadAverage());
        double base = median(nanos.values().iterator().next());
        for (Map.Entry<String, long[]> e : nanos.entrySet()) {
            double med = median(e.getValue());
            System.out.printf(Locale.ROOT, "  %-11s median %10.1f µs  p10 %10.1f µs  first ÷ this (throughput) %.3f×%n",
                    e.getKey(), med / 1e3, percentile(e.getValue(), 0.10) / 1e3, med / base);
        }
        for (int i = owned.size() - 1; i >= 0; i--) owned.get(i).close();
    }

    private static double median(long[] v) { return percentile(v, 0.5); }

    private static double percentile(long[] v, double p) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.round(p * (s.length - 1)))];
    }
}
