package org.rnn4j.bench;

import java.util.Locale;
import java.util.Map;

/**
 * The performance targets, each checked against one {@link BenchReport}'s numbers and rendered as met,
 * missed by how much, or not measured. Stateless apart from the report it reads; single-threaded.
 */
final class BenchTargets {
    private final BenchReport r;

    BenchTargets(BenchReport r) { this.r = r; }

    String render() {
        StringBuilder s = new StringBuilder("Targets at ").append(r.threads).append(r.threads == 1 ? " thread" : " threads").append(":\n\n");
        s.append(vsBaseline("raw-onednn", "raw oneDNN", 0.97));
        s.append(vsBaseline("ort", "ONNX Runtime", 1.0));
        Double s1 = r.ours("S1");
        if (r.threads == 1) {
            s.append(line("S1 under 35 µs on one thread", s1 == null ? null : s1 < 35,
                    s1 == null ? "" : String.format(Locale.ROOT, "%.2f µs", s1)));
        }
        s.append(relative("composed CIFG within 5% of plain LSTM", "S2_CIFG", "S2", 1.05));
        s.append(relative("ragged lengths never slower than padding", "S2_RAGGED", "S2", 1.0));
        return s.append('\n').toString();
    }

    /** rnn4j throughput ÷ baseline throughput ≥ {@code floor} on every shape where both ran. */
    private String vsBaseline(String key, String name, double floor) {
        StringBuilder misses = new StringBuilder();
        double worst = Double.POSITIVE_INFINITY;
        String worstShape = null;
        int measured = 0;
        for (Map.Entry<String, ?> e : r.rows.entrySet()) {
            Double ours = r.ours(e.getKey());
            Double base = r.score(e.getKey(), key);
            if (ours == null || base == null) continue;
            measured++;
            double ratio = base / ours;
            if (ratio < worst) {
                worst = ratio;
                worstShape = e.getKey();
            }
            if (ratio < floor) misses.append(String.format(Locale.ROOT, " %s %.3f×;", e.getKey(), ratio));
        }
        String what = String.format(Locale.ROOT, "rnn4j ≥ %.2f× %s on every shape", floor, name);
        if (measured == 0) return line(what, null, "");
        String detail = misses.length() == 0
                ? String.format(Locale.ROOT, "worst %s %.3f×", worstShape, worst)
                : "missed at" + misses.substring(0, misses.length() - 1);
        return line(what, misses.length() == 0, detail);
    }

    /** rnn4j time at {@code shape} ≤ {@code limit} × rnn4j time at {@code base}. */
    private String relative(String what, String shape, String base, double limit) {
        Double a = r.ours(shape);
        Double b = r.ours(base);
        if (a == null || b == null) return line(what, null, "");
        return line(what, a / b <= limit, String.format(Locale.ROOT, "%s ÷ %s time = %.3f", shape, base, a / b));
    }

    private static String line(String what, Boolean met, String detail) {
        String verdict = met == null ? "not measured" : met ? "**met**" : "**missed**";
        return "- " + what + ": " + verdict + (detail.isEmpty() ? "" : " (" + detail + ")") + "\n";
    }
}
