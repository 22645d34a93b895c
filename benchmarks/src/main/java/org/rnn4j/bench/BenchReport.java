package org.rnn4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.rnn4j.DataType;

/**
 * The Markdown report of one {@link BenchMain} run: machine, table, and the targets checked against the
 * numbers. Filled in by the single driver thread, then rendered once.
 */
final class BenchReport {
    final int threads;
    final boolean quick;
    double peakFlops;
    String loadAtStart = "?";
    String loadAtEnd = "?";
    String bf16Note;
    final List<String> notes = new ArrayList<>();
    /** shape → (impl[/dtype] → JMH result in µs/call). */
    final Map<String, Map<String, Result<?>>> rows = new LinkedHashMap<>();
    /** shape → max |ΔY| between rnn4j and ONNX Runtime. */
    final Map<String, Double> ortDelta = new LinkedHashMap<>();

    BenchReport(int threads, boolean quick) {
        this.threads = threads;
        this.quick = quick;
    }

    static String key(String impl, DataType type) { return type == DataType.F32 ? impl : impl + "/" + type; }

    String render() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "### %d thread%s (OMP_NUM_THREADS=%s)%s%n%n", threads, threads == 1 ? "" : "s",
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), quick ? " — QUICK RUN, not for publication" : ""));
        s.append("- CPU: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" logical CPUs; JDK ").append(System.getProperty("java.vm.name")).append(' ')
                .append(Runtime.version()).append('\n');
        s.append("- load average (1/5/15 min) at start: ").append(loadAtStart).append("; at end: ").append(loadAtEnd).append('\n');
        s.append(String.format(Locale.ROOT, "- SGEMM peak (oneDNN matmul 1024³, same run): %.1f GFLOP/s%n", peakFlops / 1e9));
        if (bf16Note != null) s.append("- ").append(bf16Note).append('\n');
        s.append('\n');
        s.append("| shape | impl | µs/call (± 99.9% CI) | GFLOP/s | % of SGEMM | rnn4j ÷ raw | rnn4j ÷ ORT |\n");
        s.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, Map<String, Result<?>>> e : rows.entrySet()) {
            BenchShape shape = BenchShape.valueOf(e.getKey());
            Map<String, Result<?>> row = e.getValue();
            for (Map.Entry<String, Result<?>> r : row.entrySet()) {
                double us = r.getValue().getScore();
                double gflops = shape.flops() / (us * 1e3);
                boolean ours = r.getKey().equals("onednn");
                s.append(String.format(Locale.ROOT, "| %s %s | %s | %s ± %s | %.2f | %.1f%% | %s | %s |%n", e.getKey(),
                        shape.description, label(r.getKey()), num(us), num(r.getValue().getScoreError()), gflops,
                        100 * gflops * 1e9 / peakFlops, ours ? ratio(row.get("raw-onednn"), row.get("onednn")) : "",
                        ours ? ratio(row.get("ort"), row.get("onednn")) : ""));
            }
        }
        if (!ortDelta.isEmpty()) {
            s.append("\nONNX Runtime computes the same Y (max |ΔY| vs rnn4j, one forward): ");
            List<String> parts = new ArrayList<>();
            ortDelta.forEach((k, v) -> parts.add(k + " " + String.format(Locale.ROOT, "%.1e", v)));
            s.append(String.join(", ", parts)).append('\n');
        }
        s.append('\n').append(new BenchTargets(this).render());
        for (String n : notes) s.append("- note: ").append(n.replaceAll("\\s+", " ")).append('\n');
        return s.toString();
    }

    /** µs/call of rnn4j (oneDNN, F32) at {@code shape}, or null when not measured. */
    Double ours(String shape) { return score(shape, "onednn"); }

    Double score(String shape, String key) {
        Map<String, Result<?>> row = rows.get(shape);
        Result<?> r = row == null ? null : row.get(key);
        return r == null ? null : r.getScore();
    }

    private static String label(String key) {
        switch (key) {
            case "onednn": return "**rnn4j onednn**";
            case "reference": return "rnn4j reference (f64)";
            case "raw-onednn": return "raw oneDNN";
            case "ort": return "ONNX Runtime " + ortVersion();
            default: return "rnn4j " + key;
        }
    }

    private static String ortVersion() {
        try {
            return ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            return "(version unknown)";
        }
    }

    /** Throughput ratio of rnn4j to a baseline: baseline time ÷ rnn4j time. */
    private static String ratio(Result<?> baseline, Result<?> ours) {
        if (baseline == null || ours == null) return "n/a";
        return String.format(Locale.ROOT, "%.3f×", baseline.getScore() / ours.getScore());
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "?";
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: say so rather than fail the run.
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
