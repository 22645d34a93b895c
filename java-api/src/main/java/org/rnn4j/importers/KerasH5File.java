package org.rnn4j.importers;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfInvalidPathException;
import io.jhdf.object.message.DataLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.rnn4j.RnnSpec;

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
    private static final String WEIGHTS_ENTRY = "model.weights.h5";

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
        try {
            return readFile(file);
        } catch (Refusal e) {
            // Callers get a plain IllegalArgumentException; Refusal only marks this class's own verdicts internally.
            IllegalArgumentException plain = new IllegalArgumentException(e.getMessage(), e.getCause());
            plain.setStackTrace(e.getStackTrace());
            throw plain;
        }
    }

    private static KerasH5File readFile(Path file) throws IOException {
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 8);
            if (n >= 4 && Arrays.equals(Arrays.copyOf(head, 4), ZIP_MAGIC)) return readKerasZip(file);
            if (n < 8 || !Arrays.equals(head, HDF5_MAGIC)) {
                throw new Refusal(file + ": expected a .keras zip or an HDF5 file but the first bytes are "
                        + Arrays.toString(Arrays.copyOf(head, n)));
            }
        }
        return readHdf5(file, file.toString());
    }

    /**
     * Copies {@code model.weights.h5} to a temporary file (deleted before returning) and reads that: jhdf then maps
     * the file instead of holding all of it in one array, so entries past 2 GiB load and a small archive that inflates
     * to more than the heap cannot exhaust it. The entry's declared size is only a hint (an archive can lie about it):
     * the copy stops when the data ends, wherever that is.
     */
    private static KerasH5File readKerasZip(Path file) throws IOException {
        String source = file + "!/" + WEIGHTS_ENTRY;
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new Refusal(file + ": expected a .keras zip archive but it is damaged (" + e.getMessage() + ")", e);
        }
        Path copy = null;
        try (zip) {
            ZipEntry e = zip.getEntry(WEIGHTS_ENTRY);
            if (e == null) {
                List<String> names = new ArrayList<>();
                zip.stream().forEach(z -> names.add(z.getName()));
                throw new Refusal(file + ": expected a .keras archive with entry " + WEIGHTS_ENTRY + " but it holds " + names);
            }
            try (InputStream in = openEntry(zip, e, source)) {
                byte[] head = readEntry(in, new byte[8], source);
                if (!Arrays.equals(head, HDF5_MAGIC)) {
                    throw new Refusal(source + ": expected an HDF5 file but the first bytes are " + Arrays.toString(head));
                }
                copy = Files.createTempFile("rnn4j-keras-", ".weights.h5");
                long free = Files.getFileStore(copy).getUsableSpace();
                if (e.getSize() > free) {
                    throw new IOException(source + ": declares " + e.getSize() + " bytes but the temporary directory "
                            + copy.getParent() + " has " + free + " bytes free (set java.io.tmpdir)");
                }
                try (OutputStream out = Files.newOutputStream(copy)) {
                    out.write(head);
                    byte[] buffer = new byte[1 << 16];
                    for (byte[] chunk; (chunk = readEntry(in, buffer, source)).length > 0; ) out.write(chunk);
                }
            }
            return readHdf5(copy, source);
        } finally {
            if (copy != null) Files.deleteIfExists(copy);
        }
    }

    private static InputStream openEntry(ZipFile zip, ZipEntry e, String source) throws IOException {
        try {
            return zip.getInputStream(e);
        } catch (ZipException x) {
            throw new Refusal(source + ": expected a readable zip entry but " + x.getMessage(), x);
        }
    }

    /**
     * Up to {@code buffer.length} bytes of a zip entry (a shorter copy of the buffer at the end, empty when the entry
     * ends); a damaged entry is an {@link IllegalArgumentException} naming it.
     */
    private static byte[] readEntry(InputStream in, byte[] buffer, String source) {
        try {
            int n = in.readNBytes(buffer, 0, buffer.length);
            return n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
        } catch (IOException e) {
            throw new Refusal(source + ": expected a readable zip entry but it is damaged (" + e + ")", e);
        }
    }

    /**
     * Reads an HDF5 file with jhdf. jhdf reports a damaged file with its own exceptions, JDK runtime exceptions or an
     * allocation of a damaged length; each becomes an {@link IllegalArgumentException} naming {@code source}.
     */
    private static KerasH5File readHdf5(Path file, String source) {
        try (HdfFile h5 = new HdfFile(file)) {
            return read(source, h5);
        } catch (Refusal e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + ": expected a readable HDF5 file but it is damaged or uses a feature"
                    + " jhdf does not read (" + e + ")", e);
        } catch (OutOfMemoryError e) {
            throw new IllegalArgumentException(source + ": reading it needed more memory than the Java heap has (" + e.getMessage()
                    + "): a damaged length field, or weights larger than -Xmx", e);
        }
    }

    private static KerasH5File read(String source, HdfFile h5) {
        for (String root : List.of("layers", "_layer_checkpoint_dependencies")) {
            Node n = h5.getChildren().get(root);
            if (n instanceof Group) {
                List<KerasLayer> out = new ArrayList<>();
                walkKeras3(source, (Group) n, "", out);
                return new KerasH5File(source, "keras3", out);
            }
        }
        Group root = h5.getChildren().get("model_weights") instanceof Group ? (Group) h5.getChild("model_weights") : h5;
        if (root.getAttribute("layer_names") != null) return new KerasH5File(source, "keras2", keras2Layers(source, root));
        throw new Refusal(source + ": expected a Keras weight file (a 'layers' group, Keras 3, or a 'layer_names'"
                + " attribute on '/' or '/model_weights', Keras 2) but found top-level entries " + h5.getChildren().keySet());
    }

    // ---------------------------------------------------------------- Keras 3

    private static void walkKeras3(String source, Group g, String prefix, List<KerasLayer> out) {
        for (Node child : g.getChildren().values()) {
            if (!(child instanceof Group)) continue;
            Group c = (Group) child;
            String name = prefix + c.getName();
            KerasLayer.Arrays cell = keras3Cell(source, c);
            if (cell != null) {
                out.add(new KerasLayer(name, List.of(cell)));
                continue;
            }
            Node fwd = c.getChildren().get("forward_layer");
            Node bwd = c.getChildren().get("backward_layer");
            KerasLayer.Arrays f = fwd instanceof Group ? keras3Cell(source, (Group) fwd) : null;
            KerasLayer.Arrays b = bwd instanceof Group ? keras3Cell(source, (Group) bwd) : null;
            if (f != null && b != null) {
                out.add(new KerasLayer(name, List.of(f, b)));
                continue;
            }
            walkKeras3(source, c, name + "/", out);
        }
    }

    /** The cell weights under {@code layer/cell/vars}, or null when {@code layer} is not a recurrent layer. */
    private static KerasLayer.Arrays keras3Cell(String source, Group layer) {
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
                throw new Refusal(source + ": " + v.getPath() + ": expected a variable index 0, 1, 2 as its name");
            }
        }
        if (!byIndex.containsKey(0) || !byIndex.containsKey(1)) return null;
        if (byIndex.size() > 3 || !byIndex.lastKey().equals(byIndex.size() - 1)) {
            throw new Refusal(source + ": " + vars.getPath() + ": expected variables 0 (kernel), 1 (recurrent_kernel) and"
                    + " optionally 2 (bias) but found " + byIndex.keySet());
        }
        return new KerasLayer.Arrays(tensor(source, byIndex.get(0)), tensor(source, byIndex.get(1)),
                byIndex.containsKey(2) ? tensor(source, byIndex.get(2)) : null);
    }

    // ---------------------------------------------------------------- Keras 2

    private static List<KerasLayer> keras2Layers(String source, Group root) {
        List<KerasLayer> out = new ArrayList<>();
        for (String layerName : strings(source, root.getAttribute("layer_names"))) {
            Node n = root.getChildren().get(layerName);
            if (!(n instanceof Group)) {
                throw new Refusal(source + ": layer_names lists '" + layerName + "' but " + root.getPath()
                        + " has no such group");
            }
            Group layer = (Group) n;
            Attribute wn = layer.getAttribute("weight_names");
            if (wn == null) continue;
            List<Map<String, String>> directions = Keras2WeightNames.directions(source, layerName, strings(source, wn));
            if (directions.isEmpty()) continue;
            List<KerasLayer.Arrays> arrays = new ArrayList<>();
            for (Map<String, String> d : directions) {
                if (!d.containsKey("kernel")) {
                    throw new Refusal(source + ": layer '" + layerName + "': expected a kernel next to "
                            + d.get("recurrent_kernel") + " but weight_names has none");
                }
                arrays.add(new KerasLayer.Arrays(dataset(source, layer, d.get("kernel")), dataset(source, layer, d.get("recurrent_kernel")),
                        d.containsKey("bias") ? dataset(source, layer, d.get("bias")) : null));
            }
            out.add(new KerasLayer(layerName, arrays));
        }
        return out;
    }

    private static FloatTensor dataset(String source, Group layer, String relative) {
        Node n;
        try {
            n = layer.getByPath(relative);
        } catch (HdfInvalidPathException e) {
            n = null;
        }
        if (!(n instanceof Dataset)) {
            throw new Refusal(source + ": weight_names of " + layer.getPath() + " lists '" + relative
                    + "' but there is no such dataset");
        }
        return tensor(source, (Dataset) n);
    }

    private static List<String> strings(String source, Attribute a) {
        Object data = a.getData();
        if (data instanceof String) return List.of((String) data);
        if (data instanceof String[]) return Arrays.asList((String[]) data);
        throw new Refusal(source + ": " + a.getNode().getPath() + " attribute " + a.getName()
                + ": expected strings but was " + a.getJavaType().getSimpleName());
    }

    // ---------------------------------------------------------------- datasets

    private static FloatTensor tensor(String source, Dataset d) {
        long count = d.getSize();
        if (count > RnnSpec.MAX_ARRAY_ELEMENTS) {
            throw new Refusal(source + ": " + d.getPath() + ": shape " + Arrays.toString(d.getDimensions()) + " holds " + count
                    + " elements but one Java array holds at most " + RnnSpec.MAX_ARRAY_ELEMENTS);
        }
        // jhdf allocates the whole array before it reads: a damaged shape must not make it allocate gigabytes.
        if (d.getDataLayout() == DataLayout.CONTIGUOUS && d.getSizeInBytes() > d.getHdfFile().size()) {
            throw new Refusal(source + ": " + d.getPath() + ": shape " + Arrays.toString(d.getDimensions()) + " needs "
                    + d.getSizeInBytes() + " bytes but the file has " + d.getHdfFile().size() + " (damaged?)");
        }
        Object flat = d.isScalar() ? null : d.getDataFlat();
        float[] values;
        if (flat instanceof float[]) {
            values = (float[]) flat;
        } else if (flat instanceof double[]) {
            double[] dd = (double[]) flat;
            values = new float[dd.length];
            for (int i = 0; i < dd.length; i++) values[i] = (float) dd[i];
        } else {
            throw new Refusal(source + ": " + d.getPath() + ": expected a float32 or float64 array but was "
                    + d.getDataType() + " of shape " + Arrays.toString(d.getDimensions()));
        }
        return new FloatTensor(d.getPath(), d.getDimensions(), values);
    }

    /**
     * The importers' own verdicts on a Keras file, told apart from the {@link IllegalArgumentException}s jhdf throws for some
     * damaged files (which {@link #readHdf5} wraps to name the file).
     */
    static final class Refusal extends IllegalArgumentException {
        Refusal(String message) { super(message); }

        Refusal(String message, Throwable cause) { super(message, cause); }
    }
}
