package org.rnn4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.rnn4j.Backends;
import org.rnn4j.DataType;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.UnsupportedConfigurationException;

/**
 * Runs the side-by-side suite in one JVM run and prints a Markdown report: time per call, GFLOP/s, fraction of the
 * measured SGEMM rate, the ratios rnn4j/raw oneDNN and rnn4j/ONNX Runtime (as throughput: above 1 is faster), and
 * the targets checked against the numbers. Each measurement is a JMH fork, so native libraries load fresh.
 * Threads: set OMP_NUM_THREADS before starting (oneDNN reads it once at load; forks inherit it; ONNX Runtime is
 * given the same intra-op count). Single-threaded driver.
 *
 * <p>Usage: {@code java -jar benchmarks/target/benchmarks.jar [--quick] [--impls a,b] [--report FILE] [SHAPE ...]};
 * JMH's own log goes to stdout, the report to stdout at the end and to {@code FILE}.
 */
public final class BenchMain {
    private BenchMain() {}

    /** The native thread count every implementation uses: OMP_NUM_THREADS, or all processors when unset. */
    static int ompThreads() {
        String v = System.getenv("OMP_NUM_THREADS");
        try {
            if (v != null && !v.isBlank()) return Math.max(1, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            // oneDNN's OpenMP ignores a malformed value too and uses every processor.
        }
        return Runtime.getRuntime().availableProcessors();
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        List<String> shapes = new ArrayList<>();
        List<String> wanted = null;
        java.nio.file.Path reportFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) quick = true;
            else if (args[i].equals("--impls") && i + 1 < args.length) wanted = List.of(args[++i].split(","));
            else if (args[i].equals("--report") && i + 1 < args.length) reportFile = java.nio.file.Path.of(args[++i]);
            else shapes.add(args[i].toUpperCase(Locale.ROOT));
        }
        if (shapes.isEmpty()) for (BenchShape s : BenchShape.values()) shapes.add(s.name());
        for (String s : shapes) BenchShape.valueOf(s);
        List<String> impls = new ArrayList<>(List.of("onednn", "raw-onednn"));
        String ortNote = OrtRunner.available() ? null : "ONNX Runtime did not load here";
        if (ortNote == null) impls.add("ort");
        impls.add("reference");
        if (wanted != null) impls.retainAll(wanted);

        BenchReport report = new BenchReport(ompThreads(), quick);
        report.loadAtStart = BenchReport.loadAverage();
        String bf16 = bf16Refusal();
        report.bf16Note = bf16 == null ? null : "BF16 not measured: oneDNN refuses it on this CPU (" + bf16 + ")";
        if (ortNote != null) report.notes.add(ortNote);

        Result<?> sgemm = run(opts(quick).include(SgemmPeakBenchmark.class.getName())).getPrimaryResult();
        report.peakFlops = SgemmPeakBenchmark.flops(1024) / (sgemm.getScore() * 1e-6); // score is µs/call

        for (String shape : shapes) {
            if (impls.contains("ort")) report.ortDelta.put(shape, OrtEquivalence.maxAbsDifference(BenchShape.valueOf(shape)));
            List<DataType> types = bf16 == null ? List.of(DataType.F32, DataType.BF16) : List.of(DataType.F32);
            Map<String, Result<?>> row = new LinkedHashMap<>();
            for (DataType type : types) {
                for (String impl : impls) {
                    // The float64 reference is the oracle, timed only where it finishes quickly (S1).
                    if (impl.equals("reference") && !shape.equals("S1")) continue;
                    if (type != DataType.F32 && !impl.equals("onednn")) continue;
                    ChainedOptionsBuilder o = opts(quick).include(RnnForwardBenchmark.class.getName())
                            .param("shape", shape).param("impl", impl).param("dtype", type.name());
                    try {
                        row.put(BenchReport.key(impl, type), run(o).getPrimaryResult());
                    } catch (Exception e) {
                        String why = shape + " " + impl + " " + type + ": " + e.getMessage();
                        System.err.println(why);
                        report.notes.add(why);
                    }
                }
            }
            report.rows.put(shape, row);
        }
        report.loadAtEnd = BenchReport.loadAverage();
        String text = report.render();
        System.out.println(text);
        if (reportFile != null) java.nio.file.Files.writeString(reportFile, text);
    }

    /** Why oneDNN refuses BF16 here, or null when it accepts it (checked in this JVM, on S1's spec). */
    private static String bf16Refusal() {
        RnnSpec spec = BenchShape.S1.spec(DataType.BF16);
        try (PreparedRnn p = Backends.select("onednn").prepare(spec, RnnWeights.random(spec, 1))) {
            return null;
        } catch (UnsupportedConfigurationException e) {
            return e.getMessage().replaceAll("\\s+", " ");
        }
    }

    private static ChainedOptionsBuilder opts(boolean quick) {
        ChainedOptionsBuilder o = new OptionsBuilder().shouldFailOnError(true);
        if (quick) {
            o.warmupIterations(1).measurementIterations(2).warmupTime(TimeValue.milliseconds(500))
                    .measurementTime(TimeValue.milliseconds(500));
        }
        return o;
    }

    private static RunResult run(ChainedOptionsBuilder o) throws Exception {
        return new Runner(o.build()).run().iterator().next();
    }
}
