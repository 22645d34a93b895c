package org.rnn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.Layout;
import org.rnn4j.OutputKind;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.onnx.OnnxTensor;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code rnn4j run --weights FILE} form: PyTorch or Keras weights, tensors in {@code .npy} or {@code .pb} files.
 * Every argument and file is checked before the backend is chosen, and the outputs are written all or nothing.
 * One instance per invocation.
 */
final class WeightsRun {
    @Option(names = "--weights", paramLabel = "FILE", description = "PyTorch state dict (.safetensors) or Keras weights "
            + "(.keras, .h5); selects this form of 'run'")
    Path weights;

    @Option(names = "--format", paramLabel = "FMT", description = "pytorch | keras (default: from the extension)")
    String format;

    @Option(names = "--key-prefix", paramLabel = "PREFIX", description = "PyTorch: state dict key prefix of the recurrent module, e.g. encoder.rnn.")
    String keyPrefix;

    @Option(names = "--keras-layers", paramLabel = "NAME", split = ",", description = "Keras: recurrent layers to stack, in order "
            + "(required for a Keras 3 file with several)")
    List<String> kerasLayers = new ArrayList<>();

    @Mixin SpecOptions specFlags;

    @Option(names = "--x", paramLabel = "FILE", description = "input X, float32 [T, N, I] (tnc) or [N, T, I] (ntc)")
    Path x;

    @Option(names = "--lengths", paramLabel = "FILE", description = "sequence lengths, int32 (or int64 .npy) [N], each in 0..T")
    Path lengths;

    @Option(names = "--h0", paramLabel = "FILE", description = "initial h, float32 [L*D, N, S] (default zeros)")
    Path h0;

    @Option(names = "--c0", paramLabel = "FILE", description = "initial c (LSTM), float32 [L*D, N, H] (default zeros)")
    Path c0;

    @Option(names = "--layout", paramLabel = "tnc|ntc", description = "layout of X and Y: tnc (time-major, default) or ntc (batch-major)")
    String layout;

    @Option(names = "--y", paramLabel = "FILE", description = "output Y, [T, N, D*S] (tnc) or [N, T, D*S] (ntc); D*S is S for bidi-sum")
    Path y;

    @Option(names = "--hn", paramLabel = "FILE", description = "output final h, [L*D, N, S]")
    Path hn;

    @Option(names = "--cn", paramLabel = "FILE", description = "output final c (LSTM), [L*D, N, H]")
    Path cn;

    /** Whether the command line chose this form. */
    boolean requested() { return weights != null; }

    /** The options of this form that were given, for the error when {@code --weights} is missing. */
    List<String> givenOptions() {
        List<String> given = new ArrayList<>();
        Object[][] all = {{"--format", format}, {"--key-prefix", keyPrefix}, {"--x", x}, {"--lengths", lengths}, {"--h0", h0},
            {"--c0", c0}, {"--layout", layout}, {"--y", y}, {"--hn", hn}, {"--cn", cn}};
        for (Object[] o : all) if (o[1] != null) given.add((String) o[0]);
        if (!kerasLayers.isEmpty()) given.add("--keras-layers");
        if (specFlags.any()) given.add("spec flags (--cell, --input-size, ...)");
        return given;
    }

    int run(String backendName, PrintWriter out) {
        WeightsFile file = WeightsFile.of(weights, format, keyPrefix, kerasLayers);
        Layout order = parseLayout();
        Map<OutputKind, Path> targets = outputTargets();
        if (x == null) throw new IllegalArgumentException("--x: expected the input X file (.npy or .pb) but it is missing");

        RnnWeights w = file.load(specFlags);
        RnnSpec spec = w.spec();
        boolean lstm = spec.cell() instanceof Cell.Lstm;
        if (!lstm && c0 != null) {
            throw new IllegalArgumentException("--c0 " + c0 + ": expected none, a " + spec.cell().shortName() + " cell has no cell state");
        }
        if (!lstm && cn != null) {
            throw new IllegalArgumentException("--cn " + cn + ": expected none, a " + spec.cell().shortName() + " cell has no cell state");
        }
        RnnInput input = readInputs(spec, order, targets.keySet());

        Backend backend = Backends.select(backendName);
        RnnOutput result;
        try (PreparedRnn rnn = backend.prepare(spec, w)) {
            result = rnn.forward(input);
        }
        int steps = input.steps();
        int batch = input.batch();
        int ld = spec.layers() * spec.direction().count();
        Map<Path, OnnxTensor> files = new LinkedHashMap<>();
        for (Map.Entry<OutputKind, Path> e : targets.entrySet()) {
            switch (e.getKey()) {
                case Y:
                    files.put(e.getValue(), OnnxTensor.ofFloats("y", result.y(), order == Layout.TIME_MAJOR
                            ? new long[] {steps, batch, spec.outputSize()} : new long[] {batch, steps, spec.outputSize()}));
                    break;
                case H_FINAL:
                    files.put(e.getValue(), OnnxTensor.ofFloats("h_n", result.hFinal(), ld, batch, spec.stateSize()));
                    break;
                default:
                    files.put(e.getValue(), OnnxTensor.ofFloats("c_n", result.cFinal(), ld, batch, spec.hiddenSize()));
            }
        }
        TensorFiles.writeAll(files);
        for (Map.Entry<Path, OnnxTensor> e : files.entrySet()) out.println(e.getKey() + ": " + e.getValue());
        out.println(spec.caseName() + " from " + weights + " on " + backend.name() + ": wrote " + files.size() + " output(s)");
        return 0;
    }

    private Layout parseLayout() {
        if (layout == null || layout.equalsIgnoreCase("tnc")) return Layout.TIME_MAJOR;
        if (layout.equalsIgnoreCase("ntc")) return Layout.BATCH_MAJOR;
        throw new IllegalArgumentException("--layout: expected tnc or ntc but was '" + layout + "'");
    }

    /** The outputs asked for, each checked to be writable; at least one, no file twice. */
    private Map<OutputKind, Path> outputTargets() {
        Map<OutputKind, Path> targets = new LinkedHashMap<>();
        String[] names = {"--y", "--hn", "--cn"};
        Path[] files = {y, hn, cn};
        OutputKind[] kinds = {OutputKind.Y, OutputKind.H_FINAL, OutputKind.C_FINAL};
        for (int i = 0; i < files.length; i++) {
            if (files[i] == null) continue;
            TensorFiles.requireWritable(names[i], files[i]);
            for (Path other : targets.values()) {
                if (other.toAbsolutePath().normalize().equals(files[i].toAbsolutePath().normalize())) {
                    throw new IllegalArgumentException(names[i] + " " + files[i] + ": expected a file of its own but another output has the same name");
                }
            }
            targets.put(kinds[i], files[i]);
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("--y, --hn, --cn: expected at least one output file (.npy or .pb) but none was given");
        }
        return targets;
    }

    private RnnInput readInputs(RnnSpec spec, Layout order, Set<OutputKind> wanted) {
        OnnxTensor xt = floats(TensorFiles.read("--x", x, "x"));
        String xShape = order == Layout.TIME_MAJOR ? "[T, N, I=" + spec.inputSize() + "]" : "[N, T, I=" + spec.inputSize() + "]";
        if (xt.rank() != 3 || xt.dim(2) != spec.inputSize() || xt.dim(0) == 0 || xt.dim(1) == 0) {
            throw new IllegalArgumentException(xt.source() + ": expected X " + xShape + " with T, N > 0 (--layout "
                    + (order == Layout.TIME_MAJOR ? "tnc" : "ntc") + ", spec " + spec.caseName() + ") but shape was " + Arrays.toString(xt.dims()));
        }
        int steps = (int) (order == Layout.TIME_MAJOR ? xt.dim(0) : xt.dim(1));
        int batch = (int) (order == Layout.TIME_MAJOR ? xt.dim(1) : xt.dim(0));
        RnnInput.Builder b = RnnInput.builder(xt.floats(), order, steps, batch).outputs(EnumSet.copyOf(wanted));
        int ld = spec.layers() * spec.direction().count();
        if (lengths != null) {
            OnnxTensor lt = TensorFiles.read("--lengths", lengths, "lengths");
            if (lt.type() != OnnxTensor.ElementType.INT32) {
                throw new IllegalArgumentException(lt.source() + ": expected int32 sequence lengths but the values are float32");
            }
            requireShape(lt, "sequence lengths [N]", batch);
            try {
                b.sequenceLengths(lt.ints());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(lt.source() + ": " + e.getMessage(), e);
            }
        }
        if (h0 != null) {
            OnnxTensor ht = floats(TensorFiles.read("--h0", h0, "h0"));
            requireShape(ht, "initial h [L*D, N, S]", ld, batch, spec.stateSize());
            b.initialH(ht.floats());
        }
        if (c0 != null) {
            OnnxTensor ct = floats(TensorFiles.read("--c0", c0, "c0"));
            requireShape(ct, "initial c [L*D, N, H]", ld, batch, spec.hiddenSize());
            b.initialC(ct.floats());
        }
        return b.build();
    }

    private static OnnxTensor floats(OnnxTensor t) {
        if (t.type() != OnnxTensor.ElementType.FLOAT) {
            throw new IllegalArgumentException(t.source() + ": expected float32 values but they are " + t.type().name().toLowerCase(Locale.ROOT));
        }
        return t;
    }

    private static void requireShape(OnnxTensor t, String what, long... dims) {
        if (!Arrays.equals(t.dims(), dims)) {
            throw new IllegalArgumentException(t.source() + ": expected " + what + " = " + Arrays.toString(dims) + " but shape was "
                    + Arrays.toString(t.dims()));
        }
    }
}
