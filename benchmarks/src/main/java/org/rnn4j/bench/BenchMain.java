package org.rnn4j.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the side-by-side suite in one JVM run and prints a Markdown table: time per call, GFLOP/s, fraction of the
 * measured SGEMM rate, and the ratios rnn4j/raw oneDNN and rnn4j/ONNX Runtime (as throughput: above 1 is faster).
 * Threads: set OMP_NUM_THREADS before starting (oneDNN reads it once at load; ONNX Runtime is given the same count).
 *
 * <p>Usage: {@code java -jar benchmarks/target/benchmarks.jar [--quick] [SHAPE ...]}
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        List<String> shapes = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--quick")) quick = true;
            else shapes.add(a.toUpperCase(Locale.ROOT));
        }
        if (shapes.isEmpty()) for (BenchShape s : BenchShape.values()) shapes.add(s.name());
        List<String> impls = new ArrayList<>(List.of("onednn", "raw-onednn"));
        if (OrtRunner.available()) impls.add("ort");

        double sgemmUs = median(run(opts(quick).include(SgemmPeakBenchmark.class.getName())));
        double peak = SgemmPeakBenchmark.flops(1024) / (sgemmUs * 1e3);

        Map<String, Map<String, Double>> table = new LinkedHashMap<>();
        for (String shape : shapes) {
            List<String> these = new ArrayList<>(impls);
            if (shape.equals("S1")) these.add("reference");
            Map<String, Double> row = new LinkedHashMap<>();
            for (String impl : these) {
                ChainedOptionsBuilder o = opts(quick).include(RnnForwardBenchmark.class.getName())
                        .param("shape", shape).param("impl", impl).param("dtype", "F32");
                try {
                    row.put(impl, median(run(o)));
                } catch (RuntimeException e) {
                    System.err.println(shape + " " + impl + ": " + e.getMessage());
                }
            }
            table.put(shape, row);
        }
        System.out.println(report(table, peak, impls));
    }

    private static ChainedOptionsBuilder opts(boolean quick) {
        ChainedOptionsBuilder o = new OptionsBuilder().shouldFailOnError(true);
        if (quick) {
            o.warmupIterations(1).measurementIterations(2).warmupTime(TimeValue.milliseconds(500))
                    .measurementTime(TimeValue.milliseconds(500));
        }
        return o;
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder o) throws Exception {
        return new Runner(o.build()).run();
    }

    private static double median(Collection<RunResult> results) {
        RunResult r = results.iterator().next();
        return r.getPrimaryResult().getScore();
    }

    static String report(Map<String, Map<String, Double>> table, double peakFlops, List<String> impls) {
        String threads = System.getenv().getOrDefault("OMP_NUM_THREADS", "unset (all cores)");
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "threads (OMP_NUM_THREADS): %s; SGEMM (oneDNN matmul 1024³): %.1f GFLOP/s%n%n",
                threads, peakFlops / 1e9));
        s.append("| shape | impl | µs/call | GFLOP/s | % of SGEMM | rnn4j ÷ raw | rnn4j ÷ ORT |\n|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, Double>> e : table.entrySet()) {
            BenchShape shape = BenchShape.valueOf(e.getKey());
            Double ours = e.getValue().get("onednn");
            for (Map.Entry<String, Double> r : e.getValue().entrySet()) {
                double us = r.getValue();
                double gflops = shape.flops() / (us * 1e3);
                String vsRaw = r.getKey().equals("onednn") ? ratio(e.getValue().get("raw-onednn"), ours) : "";
                String vsOrt = r.getKey().equals("onednn") ? ratio(e.getValue().get("ort"), ours) : "";
                s.append(String.format(Locale.ROOT, "| %s %s | %s | %.1f | %.2f | %.0f%% | %s | %s |%n", e.getKey(), shape.description,
                        r.getKey(), us, gflops, 100 * gflops * 1e9 / peakFlops, vsRaw, vsOrt));
            }
        }
        return s.toString();
    }

    /** Throughput ratio of rnn4j to a baseline: baseline time ÷ rnn4j time. */
    private static String ratio(Double baselineUs, Double oursUs) {
        if (baselineUs == null || oursUs == null) return "n/a";
        return String.format(Locale.ROOT, "%.3f×", baselineUs / oursUs);
    }
}
