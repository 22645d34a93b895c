package org.rnn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.onnx.OnnxBinding;
import org.rnn4j.onnx.OnnxRnnModel;
import org.rnn4j.onnx.OnnxTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rnn4j verify MODEL.onnx INPUT_DIR [--backend NAME]}. One instance per invocation. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Runs a model on a backend and on the float64 reference and prints the largest difference per output. "
                + "Exit status 1 if any element differs by more than 1e-4 + 1e-4*|reference| (the ONNX node-test rule).")
final class VerifyCommand implements Callable<Integer> {
    /** The ONNX backend node-test pass rule: |got - expected| <= ATOL + RTOL*|expected|. */
    static final double ATOL = 1e-4;
    static final double RTOL = 1e-4;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "ONNX model with exactly one RNN, LSTM or GRU node")
    Path model;

    @Parameters(index = "1", paramLabel = "INPUT_DIR", description = "directory with input_0.pb, input_1.pb, ...")
    Path inputDir;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend to check (default: as for 'run')")
    String backend;

    @Override
    public Integer call() {
        OnnxRnnModel m = OnnxRnnModel.read(model);
        OnnxBinding binding = m.bind(ModelFiles.readInputs(inputDir, m));
        Backend tested = Backends.select(backend);
        Backend reference = Backends.select("reference");
        List<OnnxTensor> got = binding.run(tested);
        List<OnnxTensor> expected = binding.run(reference);
        PrintWriter out = spec.commandLine().getOut();
        out.println(binding.spec().caseName() + ": " + tested.name() + " vs reference");
        boolean pass = true;
        for (int k = 0; k < got.size(); k++) {
            float[] g = got.get(k).floats();
            float[] e = expected.get(k).floats();
            double maxAbs = 0;
            boolean ok = true;
            for (int i = 0; i < g.length; i++) {
                double diff = Math.abs((double) g[i] - e[i]);
                // NaN/Inf never pass: a NaN diff fails the comparison below.
                if (!(diff <= ATOL + RTOL * Math.abs(e[i])) || !Float.isFinite(g[i])) ok = false;
                if (!Double.isNaN(maxAbs) && (Double.isNaN(diff) || diff > maxAbs)) maxAbs = diff;
            }
            pass &= ok;
            out.println(String.format(Locale.ROOT, "  %-6s %s max |%s - reference| = %.3e  %s", got.get(k).name(),
                    java.util.Arrays.toString(got.get(k).dims()), tested.name(), maxAbs, ok ? "ok" : "EXCEEDS 1e-4 + 1e-4*|ref|"));
        }
        out.println(pass ? "PASS" : "FAIL");
        return pass ? 0 : Main.EXIT_FAILURE;
    }
}
