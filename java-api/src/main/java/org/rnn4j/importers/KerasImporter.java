package org.rnn4j.importers;

import java.io.IOException;
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
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Imports Keras {@code LSTM}, {@code GRU} and {@code SimpleRNN} weights (also wrapped in {@code Bidirectional}),
 * stacking several layers into one rnn4j spec. Stateless and thread-safe; every call opens and closes its own file.
 *
 * <p>Keras stores {@code kernel [I, G·H]}, {@code recurrent_kernel [H, G·H]} and {@code bias}; rnn4j's W and R are
 * their transposes, and the column blocks are already in canonical order (LSTM {@code i,f,c,o}, GRU
 * {@code z,r,h}). LSTM/SimpleRNN bias {@code [G·H]} is the input bias (recurrent bias zero). GRU
 * {@code reset_after=True}: bias {@code [2, 3H]} = (input bias, recurrent bias), {@link Cell.ResetMode#LINEAR_BEFORE_RESET};
 * {@code reset_after=False}: bias {@code [3H]}, input only, {@link Cell.ResetMode#RESET_BEFORE}. Not stored in the
 * weights and therefore taken from the expected spec (defaults in brackets): activations [Keras defaults tanh /
 * sigmoid], {@code go_backwards} → {@link Direction#REVERSE} [forward], {@code merge_mode="sum"} →
 * {@link Direction#BIDIRECTIONAL_SUM} [concat, or sum when a next layer's kernel has S rows], and the reset mode of
 * a GRU without bias [reset_after=True].
 */
public final class KerasImporter {

    private KerasImporter() {}

    /**
     * Imports every recurrent layer of a {@code .keras} or Keras {@code .h5} file, stacked in file order. A Keras 2
     * file gives its layer order; a Keras 3 file with more than one recurrent layer needs {@link #load(Path, List, RnnSpec)}.
     *
     * @throws IllegalArgumentException naming the dataset, expected and actual shape on any mismatch
     * @throws IllegalStateException    if io.jhdf:jhdf (an optional dependency) is missing
     */
    public static RnnWeights load(Path kerasOrH5, RnnSpec expectedOrNull) throws IOException {
        return load(kerasOrH5, List.of(), expectedOrNull);
    }

    /**
     * Imports the named recurrent layers, stacked in the given order (layer names as the file spells them: Keras 2
     * {@code layer.name}; Keras 3 the snake-case class name with a counter, e.g. {@code lstm}, {@code lstm_1},
     * {@code bidirectional}). An empty list means every recurrent layer.
     */
    public static RnnWeights load(Path kerasOrH5, List<String> layerNames, RnnSpec expectedOrNull) throws IOException {
        Objects.requireNonNull(kerasOrH5, "kerasOrH5");
        Objects.requireNonNull(layerNames, "layerNames");
        OptionalDependency.JHDF.require();
        KerasH5File file = KerasH5File.read(kerasOrH5);
        return convert(file.source, select(file, layerNames), expectedOrNull);
    }

    /** Names of the recurrent layers of a {@code .keras} or {@code .h5} file, in file order. */
    public static List<String> recurrentLayerNames(Path kerasOrH5) throws IOException {
        OptionalDependency.JHDF.require();
        return KerasH5File.read(Objects.requireNonNull(kerasOrH5, "kerasOrH5")).layers.stream()
                .map(KerasLayer::name).collect(Collectors.toList());
    }

    /**
     * Imports weights already in memory, one list per stacked layer, each as {@code layer.get_weights()} returns
     * it: {@code [kernel, recurrent_kernel(, bias)]}, or forward then backward arrays for {@code Bidirectional}.
     */
    public static RnnWeights fromArrays(List<List<FloatTensor>> layers, RnnSpec expectedOrNull) {
        Objects.requireNonNull(layers, "layers");
        List<KerasLayer> parsed = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            parsed.add(KerasLayer.fromWeightList("layer " + i, Objects.requireNonNull(layers.get(i), "layers[" + i + "]")));
        }
        return convert("Keras arrays", parsed, expectedOrNull);
    }

    private static List<KerasLayer> select(KerasH5File file, List<String> names) {
        List<String> available = file.layers.stream().map(KerasLayer::name).collect(Collectors.toList());
        if (available.isEmpty()) {
            throw new IllegalArgumentException(file.source + ": expected at least one recurrent layer (" + file.layout
                    + " layout) but found none");
        }
        if (names.isEmpty()) {
            if (file.layout.equals("keras3") && available.size() > 1) {
                throw new IllegalArgumentException(file.source + ": holds recurrent layers " + available
                        + "; a Keras 3 weight file does not record their order: name the layers to stack");
            }
            return file.layers;
        }
        List<KerasLayer> out = new ArrayList<>();
        for (String n : names) {
            KerasLayer layer = file.layers.stream().filter(l -> l.name().equals(n)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException(file.source + ": expected a recurrent layer named '" + n + "' but the file holds "
                            + available));
            out.add(layer);
        }
        return out;
    }

    static RnnWeights convert(String source, List<KerasLayer> layers, RnnSpec expected) {
        if (layers.isEmpty()) throw new IllegalArgumentException(source + ": expected at least one layer but got none");
        SpecMatch.Inferred inferred = infer(source, layers);
        RnnSpec spec = SpecMatch.resolve(source, inferred, expected);
        int g = spec.cell().gateCount();
        int h = spec.hiddenSize();
        boolean lbr = spec.cell() instanceof Cell.Gru && ((Cell.Gru) spec.cell()).resetMode() == Cell.ResetMode.LINEAR_BEFORE_RESET;
        List<LayerWeights> parts = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            for (KerasLayer.Arrays a : layers.get(l).directions()) {
                int in = spec.layerInputSize(l);
                FloatTensor w = shaped(source, a.kernel(), "[I', G·H] with I'=" + in + ", G=" + g + ", H=" + h, in, g * h);
                FloatTensor r = shaped(source, a.recurrentKernel(), "[H, G·H] with H=" + h + ", G=" + g, h, g * h);
                float[] wb = new float[g * h];
                float[] rb = new float[g * h];
                if (a.bias() != null && lbr) {
                    float[] both = shaped(source, a.bias(), "[2, 3H]: input bias, recurrent bias (GRU reset_after=True)", 2, g * h).data();
                    System.arraycopy(both, 0, wb, 0, g * h);
                    System.arraycopy(both, g * h, rb, 0, g * h);
                } else if (a.bias() != null) {
                    wb = shaped(source, a.bias(), "[G·H] input bias", g * h).data();
                }
                // Keras' column blocks are already canonical (i,f,c,o / z,r,h): transposing is the whole conversion.
                parts.add(LayerWeights.of(w.transpose2d().data(), r.transpose2d().data(), wb, rb));
            }
        }
        return RnnWeights.of(spec, parts);
    }

    private static SpecMatch.Inferred infer(String source, List<KerasLayer> layers) {
        KerasLayer first = layers.get(0);
        KerasLayer.Arrays a = first.directions().get(0);
        FloatTensor rec = matrix(source, a.recurrentKernel());
        FloatTensor kernel = matrix(source, a.kernel());
        int h = rec.dim(0);
        if (h == 0) throw new IllegalArgumentException(source + ": " + rec + ": hidden size: expected > 0 rows but was 0");
        if (kernel.dim(0) == 0) throw new IllegalArgumentException(source + ": " + kernel + ": input size: expected > 0 rows but was 0");
        int g = rec.dim(1) % h == 0 ? rec.dim(1) / h : -1;
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("hiddenSize", rec.toString());
        evidence.put("cell", rec + (a.bias() == null ? ", no bias" : ", " + a.bias()));
        evidence.put("inputSize", kernel.toString());
        evidence.put("layers", layers.stream().map(KerasLayer::name).collect(Collectors.toList()).toString());
        boolean resetModeKnown = true;
        Cell cell;
        if (g == 4) {
            cell = new Cell.Lstm();
        } else if (g == 1) {
            cell = new Cell.Rnn(Activation.TANH);
        } else if (g == 3) {
            resetModeKnown = a.bias() != null;
            boolean resetAfter = a.bias() == null || a.bias().rank() == 2;
            cell = new Cell.Gru(resetAfter ? Cell.ResetMode.LINEAR_BEFORE_RESET : Cell.ResetMode.RESET_BEFORE);
        } else {
            throw new IllegalArgumentException(source + ": " + rec + ": expected [H, G·H] with G = 4 (LSTM), 3 (GRU) or 1 (SimpleRNN)"
                    + " but the columns are not such a multiple of the rows");
        }
        int dirs = first.directions().size();
        for (KerasLayer l : layers) {
            if (l.directions().size() != dirs) {
                throw new IllegalArgumentException(source + ": layer '" + l.name() + "': expected " + dirs + " direction(s) like '"
                        + first.name() + "' (one rnn4j spec has one direction setting) but it has " + l.directions().size());
            }
        }
        // go_backwards and merge_mode are not in the weights: one direction fits forward and reverse, two fit concat
        // and sum unless a next layer's kernel tells them apart (its input width).
        Set<Direction> directions = EnumSet.of(Direction.FORWARD, Direction.REVERSE);
        evidence.put("direction", first.name() + " has " + dirs + " direction(s)");
        if (dirs == 2) {
            int width = -1;
            if (layers.size() > 1 && layers.get(1).directions().get(0).kernel().rank() == 2) {
                FloatTensor next = layers.get(1).directions().get(0).kernel();
                width = next.dim(0);
                evidence.put("direction", first.name() + " has 2 directions; " + SpecMatch.stackingEvidence(next.toString(), width, h));
            }
            directions = SpecMatch.bidirectionalStacking(width, h);
        }
        RnnSpec spec = RnnSpec.builder(cell).inputSize(kernel.dim(0)).hiddenSize(h).layers(layers.size())
                .direction(SpecMatch.preferred(directions)).build();
        return new SpecMatch.Inferred(spec, evidence, null, directions, resetModeKnown);
    }

    private static FloatTensor matrix(String source, FloatTensor t) {
        if (t.rank() != 2) throw new IllegalArgumentException(source + ": " + t + ": expected a matrix but shape was " + t.shapeString());
        return t;
    }

    private static FloatTensor shaped(String source, FloatTensor t, String meaning, int... shape) {
        try {
            return t.requireShape(meaning, shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }
}
