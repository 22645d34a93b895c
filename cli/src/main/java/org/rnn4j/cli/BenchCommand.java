package org.rnn4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.DataType;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.UnsupportedConfigurationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j bench}: times one spec's forward call on chosen backends side by side (warm-up, then median, min and
 * max per backend, GFLOP/s, and speed ratios between the backends). Progress goes to stderr, results to stdout.
 * One instance per invocation, single-threaded.
 *
 * <p>Threads: oneDNN's OpenMP runtime reads OMP_NUM_THREADS once, when its natives load, so {@code --threads N}
 * that differs from the count this JVM has re-runs the command in a child JVM with OMP_NUM_THREADS=N
 * ({@link ThreadReexec}); its output is passed through unchanged.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Times a forward call of one spec on chosen backends side by side: median/min/max, GFLOP/s, ratios. "
                + "Uniform random weights and inputs; Y only.")
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--cell", paramLabel = "CELL", defaultValue = "lstm",
            description = CellNames.HELP + "; default ${DEFAULT-VALUE}")
    String cell;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "batch size N; default ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--steps", paramLabel = "T", defaultValue = "50", description = "sequence length T; default ${DEFAULT-VALUE}")
    int steps;

    @Option(names = "--input", paramLabel = "I", defaultValue = "512", description = "input size I; default ${DEFAULT-VALUE}")
    int input;

    @Option(names = "--hidden", paramLabel = "H", defaultValue = "512", description = "hidden size H; default ${DEFAULT-VALUE}")
    int hidden;

    @Option(names = "--layers", paramLabel = "L", defaultValue = "1", description = "stacked layers; default ${DEFAULT-VALUE}")
    int layers;

    @Option(names = "--direction", paramLabel = "DIR", defaultValue = "forward",
            description = Directions.HELP + "; default ${DEFAULT-VALUE}")
    String direction;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f32", description = "f32, bf16 or f16; default ${DEFAULT-VALUE}")
    String dtype;

    @Option(names = "--backends", paramLabel = "NAMES", split = ",",
            description = "comma-separated backend names (default: the default backend); see 'rnn4j info'")
    List<String> backends;

    @Option(names = "--threads", paramLabel = "N",
            description = "native threads; re-runs in a child JVM with OMP_NUM_THREADS=N when this JVM has another count")
    Integer threads;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "5", description = "untimed calls per backend; default ${DEFAULT-VALUE}")
    int warmup;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "20", description = "timed calls per backend; default ${DEFAULT-VALUE}")
    int iterations;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Every flag is checked before anything native loads or a child JVM starts.
        RnnSpec rnn = rnnSpec();
        requireAtLeast("--batch", batch, 1);
        requireAtLeast("--steps", steps, 1);
        requireAtLeast("--warmup", warmup, 0);
        requireAtLeast("--iterations", iterations, 1);
        if (threads != null) requireAtLeast("--threads", threads, 1);
        int loaded = ThreadReexec.loadedThreads();
        if (threads != null && threads != loaded) {
            if (!ThreadReexec.isChild()) return ThreadReexec.rerun(threads, spec.commandLine().getParseResult().originalArgs(), out, err);
            err.println("note: --threads " + threads + " asked, but this JVM runs with " + loaded + " native threads");
        }
        List<Backend> chosen = new ArrayList<>();
        if (backends == null || backends.isEmpty()) chosen.add(Backends.select());
        else for (String b : backends) chosen.add(Backends.select(b));

        RnnWeights weights = RnnWeights.random(rnn, 1);
        float[] x = new float[Math.multiplyExact(Math.multiplyExact(steps, batch), input)];
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        RnnInput in = RnnInput.builder(x, org.rnn4j.Layout.TIME_MAJOR, steps, batch)
                .outputs(java.util.EnumSet.of(org.rnn4j.OutputKind.Y)).build();

        out.println(String.format(Locale.ROOT, "rnn4j bench: %s, N=%d, T=%d; %d native thread%s (OMP_NUM_THREADS); "
                + "warm-up %d, %d timed calls per backend; %.3f GFLOP per call",
                rnn.caseName(), batch, steps, loaded, loaded == 1 ? "" : "s", warmup, iterations, flops(rnn, batch, steps) / 1e9));
        BenchTimer timer = new BenchTimer(err, System.console() != null || "1".equals(System.getenv(ThreadReexec.TTY)));
        Map<String, BenchTimer.Stats> results = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        UnsupportedConfigurationException lastRefusal = null;
        for (Backend b : chosen) {
            try {
                results.put(b.name(), timer.time(b, rnn, weights, in, warmup, iterations));
            } catch (UnsupportedConfigurationException e) {
                // One backend refusing the spec (e.g. BF16 on a CPU without it) does not stop the others.
                refused.add(b.name() + ": " + Main.oneLine(e.getMessage()));
                lastRefusal = e;
            }
        }
        if (results.isEmpty() && refused.size() == 1) throw lastRefusal;
        if (results.isEmpty()) throw new IllegalArgumentException("every backend refused: " + String.join("; ", refused));
        printTable(out, results, flops(rnn, batch, steps));
        for (String r : refused) out.println("refused  " + r);
        return 0;
    }

    private static void printTable(PrintWriter out, Map<String, BenchTimer.Stats> results, double flops) {
        out.println(String.format(Locale.ROOT, "%-12s %12s %12s %12s %10s", "backend", "median ms", "min ms", "max ms", "GFLOP/s"));
        for (Map.Entry<String, BenchTimer.Stats> e : results.entrySet()) {
            BenchTimer.Stats s = e.getValue();
            out.println(String.format(Locale.ROOT, "%-12s %12.4f %12.4f %12.4f %10.2f", e.getKey(), s.medianNanos() / 1e6,
                    s.minNanos() / 1e6, s.maxNanos() / 1e6, flops / s.medianNanos()));
        }
        List<String> names = new ArrayList<>(results.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                double a = results.get(names.get(i)).medianNanos();
                double b = results.get(names.get(j)).medianNanos();
                out.println(String.format(Locale.ROOT, "ratio    %s is %.2f× %s %s (median time %s ÷ %s = %.4f)", names.get(i),
                        Math.max(a, b) / Math.min(a, b), a <= b ? "faster than" : "slower than", names.get(j),
                        names.get(j), names.get(i), b / a));
            }
        }
    }

    /** Two flops per multiply-add of the gate products, every step of every sequence, layer and direction. */
    static double flops(RnnSpec s, int batch, int steps) {
        double total = 0;
        for (int l = 0; l < s.layers(); l++) {
            total += 2.0 * s.cell().gateCount() * s.hiddenSize() * (s.layerInputSize(l) + s.stateSize()) * s.direction().count();
        }
        return total * batch * steps;
    }

    private RnnSpec rnnSpec() {
        requireAtLeast("--input", input, 1);
        requireAtLeast("--hidden", hidden, 1);
        requireAtLeast("--layers", layers, 1);
        return RnnSpec.builder(CellNames.parse(cell)).inputSize(input).hiddenSize(hidden).layers(layers)
                .direction(Directions.parse(direction)).dataType(parseType(dtype)).build();
    }

    static DataType parseType(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "f32": return DataType.F32;
            case "bf16": return DataType.BF16;
            case "f16": return DataType.F16;
            default: throw new IllegalArgumentException("--dtype: expected one of f32, bf16, f16 but was '" + name + "'");
        }
    }

    private static void requireAtLeast(String flag, int value, int min) {
        if (value < min) throw new IllegalArgumentException(flag + ": expected an integer ≥ " + min + " but was " + value);
    }
}
