package org.rnn4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
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
 * A noise-resistant A/B check for a shared machine: rnn4j (oneDNN), raw oneDNN and ONNX Runtime called in turn,
 * call after call, in one JVM, so slow drifts in background load hit all three alike; prints the median and the
 * 10th percentile per call of each, and their throughput ratios to the first (rnn4j when it runs). Complements the JMH suite, which measures one implementation
 * per fork. Single-threaded.
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.rnn4j.bench.Interleaved SHAPE [ROUNDS]}
 */
public final class Interleaved {
    private Interleaved() {}

    public static void main(String[] args) throws Exception {
        BenchShape s = BenchShape.valueOf(args[0].toUpperCase(Locale.ROOT));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        // Optional third argument: which of rnn4j, raw-onednn, ort to run (e.g. one alone, under a profiler).
        List<String> only = args.length > 2 ? List.of(args[2].split(",")) : List.of("rnn4j", "raw-onednn", "ort");
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
        for (String k : calls.keySet()) nanos.put(k, new long[rounds]);
        int warm = Math.max(5, rounds / 10);
        for (int r = -warm; r < rounds; r++) {
            for (Map.Entry<String, Runnable> c : calls.entrySet()) {
                long t0 = System.nanoTime();
                c.getValue().run();
                long dt = System.nanoTime() - t0;
                if (r >= 0) nanos.get(c.getKey())[r] = dt;
            }
        }
        System.out.printf(Locale.ROOT, "%s %s, OMP_NUM_THREADS=%d, %d interleaved rounds, load %s%n", s, s.description,
                BenchMain.ompThreads(), rounds, BenchReport.loadAverage());
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
