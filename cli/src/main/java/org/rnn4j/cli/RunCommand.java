package org.rnn4j.cli;

import java.nio.file.Path;
import java.util.List;
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

/** {@code rnn4j run MODEL.onnx INPUT_DIR OUTPUT_DIR [--backend NAME]}. One instance per invocation. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs a model with one ONNX RNN/LSTM/GRU node on INPUT_DIR/input_K.pb (the model inputs in order) "
                + "and writes OUTPUT_DIR/output_K.pb (the model outputs in order). Nothing is written unless all succeed.")
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "ONNX model with exactly one RNN, LSTM or GRU node")
    Path model;

    @Parameters(index = "1", paramLabel = "INPUT_DIR", description = "directory with input_0.pb, input_1.pb, ...")
    Path inputDir;

    @Parameters(index = "2", paramLabel = "OUTPUT_DIR", description = "directory for output_0.pb, ... (created if missing)")
    Path outputDir;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend name (default: rnn4j.backend, RNN4J_BACKEND, "
            + "else the best available native backend); see 'rnn4j info'")
    String backend;

    @Override
    public Integer call() {
        // Every file is checked before the backend is chosen, so a bad file is reported as such on any machine.
        OnnxRnnModel m = OnnxRnnModel.read(model);
        OnnxBinding binding = m.bind(ModelFiles.readInputs(inputDir, m));
        ModelFiles.requireOutputDir(outputDir);
        Backend b = Backends.select(backend);
        List<OnnxTensor> outputs = binding.run(b);
        List<Path> written = ModelFiles.writeOutputs(outputDir, outputs);
        for (int k = 0; k < written.size(); k++) {
            spec.commandLine().getOut().println(written.get(k) + ": " + outputs.get(k));
        }
        spec.commandLine().getOut().println(binding.spec().caseName() + " on " + b.name() + ": wrote " + written.size()
                + " output(s) to " + outputDir);
        return 0;
    }
}
