package org.rnn4j.importers;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds the recurrent layers of a Keras weight file with jhdf. Reads everything at construction and keeps no file
 * open; the result is immutable.
 *
 * <p>Layouts: Keras 3 ({@code .keras} zip holding {@code model.weights.h5}, or a {@code .weights.h5}):
 * {@code layers/<name>/cell/vars/0,1,2} = kernel, recurrent kernel, bias; {@code Bidirectional} as
 * {@code layers/<name>/forward_layer/cell/vars} and {@code backward_layer}; Keras 2.13's
 * {@code _layer_checkpoint_dependencies} root is read the same way. Keras 2 {@code .h5} ({@code model.save} or
 * {@code save_weights}): root or {@code model_weights} group with attribute {@code layer_names}, each layer group
 * with attribute {@code weight_names} (e.g. {@code lstm/lstm_cell/kernel:0}, bidirectional
 * {@code bidirectional/forward_lstm/...}) naming datasets relative to the layer group.
 */
final class KerasH5File {
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /** Recurrent layers in file order (Keras 2: {@code layer_names}; Keras 3: link order). */
    final List<KerasLayer> layers;
    /** {@code keras3} or {@code keras2}. */
    final String layout;
    final String source;

    private KerasH5File(String source, String layout, List<KerasLayer> layers) {
        this.source = source;
        this.layout = layout;
        this.layers = List.copyOf(layers);
    }

    static KerasH5File read(Path file) throws IOException {
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 8);
            if (n >= 4 && Arrays.equals(Arrays.copyOf(head, 4), ZIP_MAGIC)) return readKerasZip(file);
            if (n < 8 || !Arrays.equals(head, HDF5_MAGIC)) {
                throw new IllegalArgumentException(file + ": expected a .keras zip or an HDF5 file but the first bytes are "
                        + Arrays.toString(Arrays.copyOf(head, n)));
            }
        }
        try (HdfFile h5 = new HdfFile(file)) {
            return read(file.toString(), h5);
        }
    }

    private static KerasH5File readKerasZip(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry("model.weights.h5");
            if (e == null) {
                List<String> names = new ArrayList<>();
                zip.stream().forEach(z -> names.add(z.getName()));
                throw new IllegalArgumentException(file + ": expected a .keras archive with entry model.weights.h5 but it holds " + names);
            }
            byte[] bytes;
            try (InputStream in = zip.getInputStream(e)) {
                bytes = in.readAllBytes();
            }
            try (HdfFile h5 = HdfFile.fromBytes(bytes)) {
                return read(file + "!/model.weights.h5", h5);
            }
        }
    }

    private static KerasH5File read(String source, HdfFile h5) {
        for (String root : List.of("layers", "_layer_checkpoint_dependencies")) {
            Node n = h5.getChildren().get(root);
            if (n instanceof Group) {
                List<KerasLayer> out = new ArrayList<>();
                walkKeras3((Group) n, "", out);
                return new KerasH5File(source, "keras3", out);
            }
        }
        Group root = h5.getChildren().get("model_weights") instanceof Group ? (Group) h5.getChild("model_weights") : h5;
        if (root.getAttribute("layer_names") != null) return new KerasH5File(source, "keras2", keras2Layers(source, root));
        throw new IllegalArgumentException(source + ": expected a Keras weight file (a 'layers' group, Keras 3, or a 'layer_names'"
                + " attribute on '/' or '/model_weights', Keras 2) but found top-level entries " + h5.getChildren().keySet());
    }

    // ---------------------------------------------------------------- Keras 3

    private static void walkKeras3(Group g, String prefix, List<KerasLayer> out) {
        for (Node child : g.getChildren().values()) {
            if (!(child instanceof Group)) continue;
            Group c = (Group) child;
            String name = prefix + c.getName();
            KerasLayer.Arrays cell = keras3Cell(c);
            if (cell != null) {
                out.add(new KerasLayer(name, List.of(cell)));
                continue;
            }
            Node fwd = c.getChildren().get("forward_layer");
            Node bwd = c.getChildren().get("backward_layer");
            KerasLayer.Arrays f = fwd instanceof Group ? keras3Cell((Group) fwd) : null;
            KerasLayer.Arrays b = bwd instanceof Group ? keras3Cell((Group) bwd) : null;
            if (f != null && b != null) {
                out.add(new KerasLayer(name, List.of(f, b)));
                continue;
            }
            walkKeras3(c, name + "/", out);
        }
    }

    /** The cell weights under {@code layer/cell/vars}, or null when {@code layer} is not a recurrent layer. */
    private static KerasLayer.Arrays keras3Cell(Group layer) {
        Node cell = layer.getChildren().get("cell");
        if (!(cell instanceof Group)) return null;
        Node vars = ((Group) cell).getChildren().get("vars");
        if (!(vars instanceof Group)) return null;
        TreeMap<Integer, Dataset> byIndex = new TreeMap<>();
        for (Node v : ((Group) vars).getChildren().values()) {
            if (!(v instanceof Dataset)) continue;
            try {
                byIndex.put(Integer.parseInt(v.getName()), (Dataset) v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(v.getPath() + ": expected a variable index 0, 1, 2 as its name");
            }
        }
        if (!byIndex.containsKey(0) || !byIndex.containsKey(1)) return null;
        if (byIndex.size() > 3 || !byIndex.lastKey().equals(byIndex.size() - 1)) {
            throw new IllegalArgumentException(vars.getPath() + ": expected variables 0 (kernel), 1 (recurrent_kernel) and"
                    + " optionally 2 (bias) but found " + byIndex.keySet());
        }
        return new KerasLayer.Arrays(tensor(byIndex.get(0)), tensor(byIndex.get(1)),
                byIndex.containsKey(2) ? tensor(byIndex.get(2)) : null);
    }

    // ---------------------------------------------------------------- Keras 2

    private static List<KerasLayer> keras2Layers(String source, Group root) {
        List<KerasLayer> out = new ArrayList<>();
        for (String layerName : strings(root.getAttribute("layer_names"))) {
            Node n = root.getChildren().get(layerName);
            if (!(n instanceof Group)) {
                throw new IllegalArgumentException(source + ": layer_names lists '" + layerName + "' but " + root.getPath()
                        + " has no such group");
            }
            Group layer = (Group) n;
            Attribute wn = layer.getAttribute("weight_names");
            if (wn == null) continue;
            List<Map<String, String>> directions = keras2Directions(source, layerName, strings(wn));
            if (directions.isEmpty()) continue;
            List<KerasLayer.Arrays> arrays = new ArrayList<>();
            for (Map<String, String> d : directions) {
                if (!d.containsKey("kernel")) {
                    throw new IllegalArgumentException(source + ": layer '" + layerName + "': expected a kernel next to "
                            + d.get("recurrent_kernel") + " but weight_names has none");
                }
                arrays.add(new KerasLayer.Arrays(dataset(source, layer, d.get("kernel")), dataset(source, layer, d.get("recurrent_kernel")),
                        d.containsKey("bias") ? dataset(source, layer, d.get("bias")) : null));
            }
            out.add(new KerasLayer(layerName, arrays));
        }
        return out;
    }

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
    private static List<Map<String, String>> keras2Directions(String source, String layerName, List<String> weightNames) {
        Map<String, Map<String, String>> cells = new LinkedHashMap<>(); // cell path → base name → weight name
        Set<String> seen = new HashSet<>();
        for (String weight : weightNames) {
            if (!seen.add(weight)) {
                throw new IllegalArgumentException(source + ": layer '" + layerName + "': expected distinct weight_names but '"
                        + weight + "' is listed twice in " + weightNames);
            }
            int slash = weight.lastIndexOf('/');
            String base = weight.substring(slash + 1).replaceFirst(":\\d+$", "");
            if (!base.equals("kernel") && !base.equals("recurrent_kernel") && !base.equals("bias")) continue;
            String cell = slash < 0 ? "" : weight.substring(0, slash);
            String earlier = cells.computeIfAbsent(cell, k -> new LinkedHashMap<>()).putIfAbsent(base, weight);
            if (earlier != null) {
                throw new IllegalArgumentException(source + ": layer '" + layerName + "': expected one " + base + " under '"
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
            throw new IllegalArgumentException(source + ": layer '" + layerName + "': expected one recurrent layer but its"
                    + " weight_names hold " + layers.size() + ": " + describe(layers.values())
                    + " (a nested model with several recurrent layers is not supported)");
        }
        List<Map<String, String>> out = new ArrayList<>();
        for (List<List<String>> halves : layers.values()) {
            boolean bidirectional = !halves.get(1).isEmpty();
            if (halves.get(0).size() != 1 || halves.get(1).size() > 1) {
                throw new IllegalArgumentException(source + ": layer '" + layerName + "': expected " + (bidirectional
                        ? "one forward and one backward cell" : "one recurrent cell") + " but its weight_names hold "
                        + describe(layers.values()));
            }
            for (List<String> half : halves) {
                if (half.isEmpty()) continue;
                Map<String, String> weights = cells.get(half.get(0));
                if (!weights.containsKey("recurrent_kernel")) {
                    throw new IllegalArgumentException(source + ": layer '" + layerName + "': expected a recurrent_kernel next to "
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

    private static FloatTensor dataset(String source, Group layer, String relative) {
        Node n;
        try {
            n = layer.getByPath(relative);
        } catch (RuntimeException e) {
            n = null;
        }
        if (!(n instanceof Dataset)) {
            throw new IllegalArgumentException(source + ": weight_names of " + layer.getPath() + " lists '" + relative
                    + "' but there is no such dataset");
        }
        return tensor((Dataset) n);
    }

    private static List<String> strings(Attribute a) {
        Object data = a.getData();
        if (data instanceof String) return List.of((String) data);
        if (data instanceof String[]) return Arrays.asList((String[]) data);
        throw new IllegalArgumentException(a.getNode().getPath() + " attribute " + a.getName()
                + ": expected strings but was " + a.getJavaType().getSimpleName());
    }

    // ---------------------------------------------------------------- datasets

    private static FloatTensor tensor(Dataset d) {
        Object flat = d.isScalar() ? null : d.getDataFlat();
        float[] values;
        if (flat instanceof float[]) {
            values = (float[]) flat;
        } else if (flat instanceof double[]) {
            double[] dd = (double[]) flat;
            values = new float[dd.length];
            for (int i = 0; i < dd.length; i++) values[i] = (float) dd[i];
        } else {
            throw new IllegalArgumentException(d.getPath() + ": expected a float32 or float64 array but was "
                    + d.getDataType() + " of shape " + Arrays.toString(d.getDimensions()));
        }
        return new FloatTensor(d.getPath(), d.getDimensions(), values);
    }
}
