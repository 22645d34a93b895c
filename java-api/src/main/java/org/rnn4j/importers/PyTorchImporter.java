package org.rnn4j.importers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.GateOrder;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Imports the weights of a PyTorch {@code nn.RNN}, {@code nn.LSTM} (with or without {@code proj_size}) or
 * {@code nn.GRU}, from its {@code state_dict()} saved as safetensors or handed over as a map. Immutable and
 * thread-safe; every call opens and closes its own file.
 *
 * <p>Keys, per layer {@code k} and with suffix {@code _reverse} for the backward direction:
 * {@code weight_ih_lk [G·H, I']}, {@code weight_hh_lk [G·H, S]}, {@code bias_ih_lk [G·H]}, {@code bias_hh_lk [G·H]}
 * (absent with {@code bias=False}: zeros) and {@code weight_hr_lk [P, H]} with {@code proj_size=P}. Layers,
 * direction (bidirectional → {@link Direction#BIDIRECTIONAL_CONCAT}, PyTorch's stacking; an expected spec may say
 * {@link Direction#BIDIRECTIONAL_SUM} where the tensors fit it: one layer, or layer 1 taking S rather than 2·S
 * inputs), sizes, projection and the cell (G = 1, 3, 4) are inferred; PyTorch's GRU gate order {@code r,z,n} becomes the canonical {@code z,r,n} and its GRU is
 * {@link Cell.ResetMode#LINEAR_BEFORE_RESET}. The {@code nn.RNN} nonlinearity is not in the state dict: it comes
 * from {@link #withRnnNonlinearity} or from the expected spec.
 */
public final class PyTorchImporter {
    private static final EnumSet<Activation.Kind> RNN_NONLINEARITIES = EnumSet.of(Activation.Kind.TANH, Activation.Kind.RELU);

    private final String keyPrefix;
    private final Activation rnnNonlinearity;

    private PyTorchImporter(String keyPrefix, Activation rnnNonlinearity) {
        this.keyPrefix = keyPrefix;
        this.rnnNonlinearity = rnnNonlinearity;
    }

    /** An importer for a bare module's state dict (no key prefix), {@code nn.RNN} nonlinearity tanh. */
    public static PyTorchImporter create() { return new PyTorchImporter("", Activation.TANH); }

    /**
     * Keys are looked up under {@code prefix}, e.g. {@code "encoder.rnn."} for the state dict of a bigger module
     * whose recurrent layer is the attribute {@code encoder.rnn}; other keys are ignored.
     */
    public PyTorchImporter withKeyPrefix(String prefix) {
        return new PyTorchImporter(Objects.requireNonNull(prefix, "prefix"), rnnNonlinearity);
    }

    /** The {@code nonlinearity} argument of {@code nn.RNN}: {@link Activation#TANH} (default) or {@link Activation#RELU}. */
    public PyTorchImporter withRnnNonlinearity(Activation nonlinearity) {
        Objects.requireNonNull(nonlinearity, "nonlinearity");
        if (!RNN_NONLINEARITIES.contains(nonlinearity.kind())) {
            throw new IllegalArgumentException("nonlinearity: expected Tanh or Relu (nn.RNN's choices) but was " + nonlinearity);
        }
        return new PyTorchImporter(keyPrefix, nonlinearity);
    }

    /** {@code create().read(safetensors, expectedOrNull)}. */
    public static RnnWeights load(Path safetensors, RnnSpec expectedOrNull) throws IOException {
        return create().read(safetensors, expectedOrNull);
    }

    /**
     * Reads a safetensors state dict (F32; F16 and BF16 converted exactly, F64 rounded to float).
     *
     * @param expectedOrNull when given, the weights are checked against it and returned for it (its activations,
     *                       clip and data type are kept); when null, the inferred spec is used
     * @throws IllegalArgumentException naming the key, expected and actual shape or dtype on any mismatch, or
     *                                  every field where the file differs from {@code expectedOrNull}
     * @throws IllegalStateException    if com.google.code.gson:gson (an optional dependency) is missing
     */
    public RnnWeights read(Path safetensors, RnnSpec expectedOrNull) throws IOException {
        Objects.requireNonNull(safetensors, "safetensors");
        OptionalDependency.GSON.require();
        try (SafetensorsFile file = SafetensorsFile.open(safetensors)) {
            return convert(StateDict.of(file), expectedOrNull);
        }
    }

    /** Like {@link #read} for tensors already in memory, keyed as in {@code module.state_dict()}. */
    public RnnWeights fromStateDict(Map<String, FloatTensor> stateDict, RnnSpec expectedOrNull) {
        Objects.requireNonNull(stateDict, "stateDict");
        try {
            return convert(StateDict.of("state dict", stateDict), expectedOrNull);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: in-memory tensors
        }
    }

    private RnnWeights convert(StateDict dict, RnnSpec expected) throws IOException {
        SpecMatch.Inferred inferred = infer(dict);
        RnnSpec spec = SpecMatch.resolve(dict.source(), inferred, expected);
        int g = spec.cell().gateCount();
        int h = spec.hiddenSize();
        int s = spec.stateSize();
        boolean bias = dict.names().contains(key("bias_ih", 0, 0));
        boolean projection = spec.cell() instanceof Cell.Lstm && ((Cell.Lstm) spec.cell()).hasProjection();
        GateOrder order = spec.cell() instanceof Cell.Gru ? GateOrder.PYTORCH_GRU : GateOrder.LSTM_IFGO;
        List<LayerWeights> parts = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            int in = spec.layerInputSize(l);
            for (int d = 0; d < spec.direction().count(); d++) {
                float[] w = tensor(dict, key("weight_ih", l, d), "[G·H, I'] with G=" + g + ", H=" + h + ", I'=" + in, g * h, in);
                float[] r = tensor(dict, key("weight_hh", l, d), "[G·H, S] with S=" + s, g * h, s);
                float[] wb = bias ? tensor(dict, key("bias_ih", l, d), "[G·H]", g * h) : new float[g * h];
                float[] rb = bias ? tensor(dict, key("bias_hh", l, d), "[G·H]", g * h) : new float[g * h];
                float[] p = projection ? tensor(dict, key("weight_hr", l, d), "[P, H]", s, h) : null;
                if (g > 1 && order != GateOrder.LSTM_IFGO) {
                    w = order.toCanonical(w, h * in);
                    r = order.toCanonical(r, h * s);
                    wb = order.toCanonical(wb, h);
                    rb = order.toCanonical(rb, h);
                }
                parts.add(new LayerWeights(w, r, wb, rb, null, p));
            }
        }
        return RnnWeights.of(spec, parts);
    }

    private SpecMatch.Inferred infer(StateDict dict) throws IOException {
        String ih0 = key("weight_ih", 0, 0);
        if (!dict.names().contains(ih0)) throw missingFirstLayer(dict, ih0);
        Map<String, String> evidence = new LinkedHashMap<>();
        FloatTensor w0 = rank2(dict.read(ih0));
        FloatTensor r0 = rank2(dict.read(key("weight_hh", 0, 0)));
        String hr0 = key("weight_hr", 0, 0);
        int stateSize = r0.dim(1);
        int hidden = stateSize;
        int projection = 0;
        if (dict.names().contains(hr0)) {
            FloatTensor p0 = rank2(dict.read(hr0));
            projection = p0.dim(0);
            hidden = p0.dim(1);
            evidence.put("hiddenSize", hr0 + " " + p0.shapeString());
            if (hidden > 0 && projection == 0) {
                throw new IllegalArgumentException(dict.source() + ": " + hr0 + ": projection size: expected > 0 rows"
                        + " ([P, H] with proj_size=P) but shape was " + p0.shapeString());
            }
            if (projection != stateSize) {
                throw new IllegalArgumentException(dict.source() + ": " + r0.name() + ": expected " + projection
                        + " columns (the projection size P from " + hr0 + " " + p0.shapeString() + ") but shape was " + r0.shapeString());
            }
        } else {
            evidence.put("hiddenSize", r0.name() + " " + r0.shapeString());
        }
        if (hidden == 0) {
            // Checked before G = rows / H divides by it.
            throw new IllegalArgumentException(dict.source() + ": hidden size: expected > 0 but was 0 (from "
                    + evidence.get("hiddenSize") + ")");
        }
        int rows = r0.dim(0);
        int g = rows % hidden == 0 ? rows / hidden : -1;
        Cell cell;
        if (g == 4) {
            cell = new Cell.Lstm().withProjection(projection);
        } else if (g == 3 && projection == 0) {
            cell = new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET);
        } else if (g == 1 && projection == 0) {
            cell = new Cell.Rnn(rnnNonlinearity);
        } else {
            throw new IllegalArgumentException(dict.source() + ": " + r0.name() + ": expected G·H rows with G = 1 (nn.RNN), 3 (nn.GRU)"
                    + " or 4 (nn.LSTM) and H = " + hidden + (projection > 0 ? " (projection only with nn.LSTM)" : "")
                    + " but shape was " + r0.shapeString());
        }
        evidence.put("cell", r0.name() + " " + r0.shapeString());
        evidence.put("inputSize", w0.name() + " " + w0.shapeString());
        if (w0.dim(1) == 0) {
            throw new IllegalArgumentException(dict.source() + ": " + w0.name() + ": input size: expected > 0 columns but shape was "
                    + w0.shapeString());
        }
        int layers = 0;
        while (dict.names().contains(key("weight_ih", layers, 0))) layers++;
        evidence.put("layers", keyPrefix + "weight_ih_l0 … " + key("weight_ih", layers - 1, 0));
        boolean bidirectional = dict.names().contains(key("weight_ih", 0, 1));
        Set<Direction> directions = EnumSet.of(Direction.FORWARD);
        evidence.put("direction", bidirectional ? key("weight_ih", 0, 1) + " present" : "no " + key("weight_ih", 0, 1));
        if (bidirectional) {
            // One layer fits concat and sum alike (nn.LSTM stacks by concatenation, but its layer 0 is the same).
            int width = -1;
            String ih1 = key("weight_ih", 1, 0);
            if (layers > 1) {
                FloatTensor w1 = dict.read(ih1);
                if (w1.rank() == 2) {
                    width = w1.dim(1);
                    evidence.put("direction", key("weight_ih", 0, 1) + " present; "
                            + SpecMatch.stackingEvidence(ih1 + " " + w1.shapeString(), width, stateSize));
                }
            }
            directions = SpecMatch.bidirectionalStacking(width, stateSize);
        }
        RnnSpec spec = RnnSpec.builder(cell).inputSize(w0.dim(1)).hiddenSize(hidden).layers(layers)
                .direction(SpecMatch.preferred(directions)).build();
        return new SpecMatch.Inferred(spec, evidence, RNN_NONLINEARITIES, directions, true);
    }

    private IllegalArgumentException missingFirstLayer(StateDict dict, String ih0) {
        List<String> hints = dict.names().stream().filter(n -> n.endsWith("weight_ih_l0"))
                .map(n -> "'" + n.substring(0, n.length() - "weight_ih_l0".length()) + "'").collect(Collectors.toList());
        String suggestion = hints.isEmpty() ? "; the file holds no recurrent layer (no key ending in weight_ih_l0)"
                : "; key prefixes that hold one: " + hints + " (withKeyPrefix)";
        return new IllegalArgumentException(dict.source() + ": expected key '" + ih0 + "' (key prefix '" + keyPrefix
                + "') but it is missing" + suggestion);
    }

    private static FloatTensor rank2(FloatTensor t) {
        if (t.rank() != 2) throw new IllegalArgumentException(t.name() + ": expected a matrix but shape was " + t.shapeString());
        return t;
    }

    private static float[] tensor(StateDict dict, String key, String meaning, int... shape) throws IOException {
        if (!dict.names().contains(key)) {
            throw new IllegalArgumentException(dict.source() + ": expected key '" + key + "' " + meaning + " but it is missing");
        }
        FloatTensor t = dict.read(key);
        try {
            return t.requireShape(meaning, shape).data();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dict.source() + ": " + e.getMessage(), e);
        }
    }

    private String key(String kind, int layer, int direction) {
        return keyPrefix + kind + "_l" + layer + (direction == 1 ? "_reverse" : "");
    }
}
