package org.rnn4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.onnx.OnnxBinding;
import org.rnn4j.onnx.OnnxRnnModel;
import org.rnn4j.onnx.OnnxTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j run MODEL.onnx INPUT_DIR OUTPUT_DIR [--backend NAME]}, or {@code rnn4j run --weights FILE ...}
 * ({@link WeightsRun}). One instance per invocation.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        customSynopsis = {
            "rnn4j run MODEL.onnx INPUT_DIR OUTPUT_DIR [--backend NAME]",
            "rnn4j run --weights FILE [--format pytorch|keras] [SPEC FLAGS] [--backend NAME]",
            "          --x FILE [--lengths FILE] [--h0 FILE] [--c0 FILE] [--layout tnc|ntc]",
            "          (--y FILE | --hn FILE | --cn FILE)...",
            "  SPEC FLAGS (optional, checked against the file): [--cell CELL] [--input-size I]",
            "          [--hidden-size H] [--layers L] [--direction DIR] [--proj P]",
            "          [--key-prefix PREFIX] [--keras-layers NAME[,NAME...]]",
            ""},
        description = {
            "Runs a model with one ONNX RNN/LSTM/GRU node on INPUT_DIR/input_K.pb (the model inputs in order) "
                + "and writes OUTPUT_DIR/output_K.pb (the model outputs in order).",
            "With --weights: runs PyTorch (safetensors state dict) or Keras (.keras, .h5) weights on tensors in .npy "
                + "or .pb files (format by extension). The spec is inferred from the file; spec flags are optional and "
                + "are checked against it.",
            "Nothing is written unless all succeed."})
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL.onnx", description = "ONNX model with exactly one RNN, LSTM or GRU node")
    Path model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "INPUT_DIR", description = "directory with input_0.pb, input_1.pb, ...")
    Path inputDir;

    @Parameters(index = "2", arity = "0..1", paramLabel = "OUTPUT_DIR", description = "directory for output_0.pb, ... (created if missing)")
    Path outputDir;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend name (default: rnn4j.backend, RNN4J_BACKEND, "
            + "else the best available native backend); see 'rnn4j info'")
    String backend;

    @Mixin WeightsRun weightsForm;

    @Override
    public Integer call() {
        if (weightsForm.requested()) {
            if (model != null) {
                throw new ParameterException(spec.commandLine(), "unexpected argument '" + model
                        + "': MODEL.onnx INPUT_DIR OUTPUT_DIR do not go with --weights");
            }
            return weightsForm.run(backend, spec.commandLine().getOut());
        }
        List<String> stray = weightsForm.givenOptions();
        if (!stray.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join(", ", stray) + ": expected only with --weights FILE");
        }
        List<String> missing = new ArrayList<>();
        if (model == null) missing.add("'MODEL.onnx'");
        if (inputDir == null) missing.add("'INPUT_DIR'");
        if (outputDir == null) missing.add("'OUTPUT_DIR'");
        if (!missing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Missing required parameter" + (missing.size() > 1 ? "s: " : ": ")
                    + String.join(", ", missing) + " (or --weights FILE)");
        }
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
