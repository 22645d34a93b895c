package org.rnn4j.importers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Groups the {@code weight_names} of a Keras 2 layer group into its recurrent layer's directions. Stateless. */
final class Keras2WeightNames {

    private Keras2WeightNames() {}

    /**
     * The recurrent weights of one Keras 2 layer group, one map {kernel, recurrent_kernel, bias} → weight name per
     * direction (forward first); empty when the group holds no recurrent layer (Dense, …).
     *
     * <p>Weights belong together when the path before their own name is the same ({@code lstm/lstm_cell},
     * {@code lstm_1} in older Keras): that path is one cell. Two cells {@code P/forward_X/…} and {@code P/backward_X/…}
     * (the same P and X) are the halves of a {@code Bidirectional} P; a {@code forward_}/{@code backward_} component
     * without its partner at the same position is just a name (a layer called {@code backward_encoder}). A group
     * whose cells make more than one recurrent layer (a nested model with two LSTMs) is refused, not guessed.
     */
    static List<Map<String, String>> directions(String source, String layerName, List<String> weightNames) {
        Map<String, Map<String, String>> cells = new LinkedHashMap<>(); // cell path → base name → weight name
        Set<String> seen = new HashSet<>();
        for (String weight : weightNames) {
            if (!seen.add(weight)) {
                throw new KerasH5File.Refusal(source + ": layer '" + layerName + "': expected distinct weight_names but '"
                        + weight + "' is listed twice in " + weightNames);
            }
            int slash = weight.lastIndexOf('/');
            String base = weight.substring(slash + 1).replaceFirst(":\\d+$", "");
            if (!base.equals("kernel") && !base.equals("recurrent_kernel") && !base.equals("bias")) continue;
            String cell = slash < 0 ? "" : weight.substring(0, slash);
            String earlier = cells.computeIfAbsent(cell, k -> new LinkedHashMap<>()).putIfAbsent(base, weight);
            if (earlier != null) {
                throw new KerasH5File.Refusal(source + ": layer '" + layerName + "': expected one " + base + " under '"
                        + cell + "/' but weight_names lists '" + earlier + "' and '" + weight + "'");
            }
        }
        // layer (a Bidirectional's path P, or the cell path itself) → [forward cells, backward cells]
        Map<String, List<List<String>>> layers = new LinkedHashMap<>();
        for (String cell : cells.keySet()) {
            String[] parts = cell.split("/", -1);
            String layer = cell;
            int direction = 0;
            for (int p = 0; p < parts.length; p++) {
                String partner = parts[p].startsWith("forward_") ? "backward_" + parts[p].substring("forward_".length())
                        : parts[p].startsWith("backward_") ? "forward_" + parts[p].substring("backward_".length()) : null;
                if (partner == null) continue;
                String prefix = String.join("/", Arrays.asList(parts).subList(0, p));
                String partnerPath = (p == 0 ? "" : prefix + "/") + partner;
                if (cells.keySet().stream().anyMatch(c -> c.equals(partnerPath) || c.startsWith(partnerPath + "/"))) {
                    layer = p == 0 ? "" : prefix;
                    direction = parts[p].startsWith("forward_") ? 0 : 1;
                    break;
                }
            }
            layers.computeIfAbsent(layer, k -> List.of(new ArrayList<>(), new ArrayList<>())).get(direction).add(cell);
        }
        // Only layers with a recurrent kernel are recurrent; the rest (Dense, …) are skipped.
        layers.values().removeIf(halves -> halves.stream().flatMap(List::stream)
                .noneMatch(c -> cells.get(c).containsKey("recurrent_kernel")));
        if (layers.size() > 1) {
            throw new KerasH5File.Refusal(source + ": layer '" + layerName + "': expected one recurrent layer but its"
                    + " weight_names hold " + layers.size() + ": " + describe(layers.values())
                    + " (a nested model with several recurrent layers is not supported)");
        }
        List<Map<String, String>> out = new ArrayList<>();
        for (List<List<String>> halves : layers.values()) {
            boolean bidirectional = !halves.get(1).isEmpty();
            if (halves.get(0).size() != 1 || halves.get(1).size() > 1) {
                throw new KerasH5File.Refusal(source + ": layer '" + layerName + "': expected " + (bidirectional
                        ? "one forward and one backward cell" : "one recurrent cell") + " but its weight_names hold "
                        + describe(layers.values()));
            }
            for (List<String> half : halves) {
                if (half.isEmpty()) continue;
                Map<String, String> weights = cells.get(half.get(0));
                if (!weights.containsKey("recurrent_kernel")) {
                    throw new KerasH5File.Refusal(source + ": layer '" + layerName + "': expected a recurrent_kernel next to "
                            + weights.values() + " but weight_names has none");
                }
                out.add(weights);
            }
        }
        return out;
    }

    /** Cell paths for messages: {@code [lstm/lstm_cell, lstm_1/lstm_cell_1]}, one entry per recurrent layer. */
    private static String describe(Iterable<List<List<String>>> layers) {
        List<String> out = new ArrayList<>();
        for (List<List<String>> halves : layers) {
            List<String> cells = new ArrayList<>(halves.get(0));
            cells.addAll(halves.get(1));
            out.add(cells.size() == 1 ? cells.get(0) : cells.toString());
        }
        return out.toString();
    }
}
