package org.rnn4j.importers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.importers.Messages.assertMessage;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Which datasets of a Keras weight file make which layer and direction, and files that are ambiguous or damaged.
 * The {@code keras2_layouts/} files are written by h5py ({@code make_keras2_layouts.py}), except
 * {@code damaged_shape.h5}: {@code keras2_gru_reset_before.h5} with bytes flipped so that a kernel claims
 * {@code [6881283, 12]} floats in a 15 kB file.
 */
class KerasH5FileTest {
    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    @TempDir Path dir;

    private static Path layout(String file) { return GoldenFixture.resource("keras2_layouts/" + file); }

    /** The float32 values of one dataset, read with jhdf directly. */
    private static float[] dataset(Path file, String path) {
        try (HdfFile h5 = new HdfFile(file)) {
            return (float[]) ((Dataset) h5.getByPath(path)).getDataFlat();
        }
    }

    /** {@code m [rows, cols]} transposed, as the importer turns a Keras kernel into W. */
    private static float[] transposed(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
        return t;
    }

    /**
     * A Keras 2 {@code model.save} file with one layer group {@code layer} listing {@code weightNames}; each name gets
     * an LSTM-shaped dataset (I = 1, H = 1) at that path unless it exists already.
     */
    private Path keras2(String layer, String... weightNames) {
        Path file = dir.resolve(layer + ".h5");
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            WritableGroup mw = h5.putGroup("model_weights");
            mw.putAttribute("layer_names", new String[] {layer});
            WritableGroup g = mw.putGroup(layer);
            g.putAttribute("weight_names", weightNames);
            for (String name : weightNames) {
                String[] parts = name.split("/");
                WritableGroup parent = g;
                for (int i = 0; i < parts.length - 1; i++) {
                    parent = parent.getChild(parts[i]) instanceof WritableGroup ? (WritableGroup) parent.getChild(parts[i])
                            : parent.putGroup(parts[i]);
                }
                if (parent.getChild(parts[parts.length - 1]) != null) continue;
                parent.putDataset(parts[parts.length - 1], parts[parts.length - 1].startsWith("bias")
                        ? new float[] {1, 2, 3, 4} : new float[][] {{5, 6, 7, 8}});
            }
        }
        return file;
    }

    @Test
    void aBidirectionalLayerNamedBackwardSomethingKeepsBothDirections() throws IOException {
        RnnWeights named = KerasImporter.load(layout("bidi_named_backward.h5"), null);
        RnnWeights plain = KerasImporter.load(layout("bidi_named_normal.h5"), null);
        assertEquals(Direction.BIDIRECTIONAL_CONCAT, named.spec().direction(), "layer 'backward_encoder'");
        assertEquals(plain.spec(), named.spec());
        for (int d = 0; d < 2; d++) {
            assertArrayEquals(plain.get(0, d).w(), named.get(0, d).w(), "direction " + d + ": W");
            assertArrayEquals(plain.get(0, d).r(), named.get(0, d).r(), "direction " + d + ": R");
        }
        float[] forwardKernel = dataset(layout("bidi_named_backward.h5"),
                "model_weights/backward_encoder/backward_encoder/forward_lstm/lstm_cell_1/kernel:0");
        assertArrayEquals(transposed(forwardKernel, 3, 8), named.get(0, 0).w(), "forward_lstm is direction 0");
    }

    @Test
    void aNestedModelWithTwoRecurrentLayersIsRefusedNamingBoth() {
        Path file = layout("nested_sequential.h5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(file, null));
        assertMessage(e, file.toString(), "layer 'sequential'", "expected one recurrent layer", "[lstm/lstm_cell, lstm_1/lstm_cell_1]");
    }

    @Test
    void aNestedModelsDenseLayerIsNotTakenForTheRecurrentLayer() throws IOException {
        Path file = layout("nested_lstm_dense.h5");
        RnnWeights w = KerasImporter.load(file, null);
        assertEquals(RnnSpec.builder(new Cell.Lstm()).inputSize(3).hiddenSize(2).build(), w.spec());
        float[] kernel = dataset(file, "model_weights/sequential/lstm/lstm_cell/kernel:0");
        assertArrayEquals(transposed(kernel, 3, 8), w.get(0, 0).w(), "W from lstm/lstm_cell/kernel:0, not dense/kernel:0");
        assertArrayEquals(dataset(file, "model_weights/sequential/lstm/lstm_cell/bias:0"), w.get(0, 0).wBias());
    }

    @Test
    void aWeightNameListedTwiceIsRefused() {
        Path file = keras2("lstm", "lstm/lstm_cell/kernel:0", "lstm/lstm_cell/recurrent_kernel:0", "lstm/lstm_cell/kernel:0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(file, null));
        assertMessage(e, file.toString(), "layer 'lstm'", "'lstm/lstm_cell/kernel:0' is listed twice");
    }

    @Test
    void twoKernelsOfOneCellAreRefused() {
        Path file = keras2("lstm", "lstm/lstm_cell/kernel:0", "lstm/lstm_cell/recurrent_kernel:0", "lstm/lstm_cell/kernel:1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(file, null));
        assertMessage(e, file.toString(), "expected one kernel under 'lstm/lstm_cell/'",
                "'lstm/lstm_cell/kernel:0' and 'lstm/lstm_cell/kernel:1'");
    }

    @Test
    void aBidirectionalHalfWithTwoCellsIsRefused() {
        Path file = keras2("bi", "bi/forward_lstm/a/kernel:0", "bi/forward_lstm/a/recurrent_kernel:0",
                "bi/forward_lstm/b/kernel:0", "bi/forward_lstm/b/recurrent_kernel:0",
                "bi/backward_lstm/c/kernel:0", "bi/backward_lstm/c/recurrent_kernel:0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(file, null));
        assertMessage(e, file.toString(), "layer 'bi'", "one forward and one backward cell",
                "[bi/forward_lstm/a, bi/forward_lstm/b, bi/backward_lstm/c]");
    }

    @Test
    void aBidirectionalHalfWithoutItsRecurrentKernelIsRefused() {
        Path file = keras2("bi", "bi/forward_lstm/lstm_cell_1/kernel:0", "bi/forward_lstm/lstm_cell_1/recurrent_kernel:0",
                "bi/backward_lstm/lstm_cell_2/kernel:0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(file, null));
        assertMessage(e, file.toString(), "layer 'bi'", "expected a recurrent_kernel next to [bi/backward_lstm/lstm_cell_2/kernel:0]");
    }

    @Test
    void olderKerasNamesWithoutACellComponentStillPairTheirDirections() throws IOException {
        Path file = keras2("bidirectional_1", "bidirectional_1/forward_lstm_1/kernel:0",
                "bidirectional_1/forward_lstm_1/recurrent_kernel:0", "bidirectional_1/backward_lstm_1/kernel:0",
                "bidirectional_1/backward_lstm_1/recurrent_kernel:0");
        RnnWeights w = KerasImporter.load(file, null);
        assertEquals(RnnSpec.builder(new Cell.Lstm()).inputSize(1).hiddenSize(1).direction(Direction.BIDIRECTIONAL_CONCAT).build(),
                w.spec());
        assertEquals(List.of("bidirectional_1"), KerasImporter.recurrentLayerNames(file));
    }

    /** The HDF5 signature followed by {@code n} random bytes: jhdf fails on the superblock. */
    private static byte[] signatureThenGarbage(int n) {
        byte[] b = Arrays.copyOf(HDF5_MAGIC, 8 + n);
        byte[] garbage = new byte[n];
        new Random(7).nextBytes(garbage);
        System.arraycopy(garbage, 0, b, 8, n);
        return b;
    }

    /** A .keras zip whose {@code model.weights.h5} is {@code head} followed by {@code zeros} zero bytes. */
    private Path keras(String name, byte[] head, long zeros) throws IOException {
        Path zip = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.setLevel(Deflater.BEST_SPEED);
            z.putNextEntry(new ZipEntry("model.weights.h5"));
            z.write(head);
            byte[] block = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= block.length) z.write(block, 0, (int) Math.min(block.length, left));
            z.closeEntry();
        }
        return zip;
    }

    /** A Keras 3 weights file with one LSTM (I = H = 1), written by jhdf. */
    private byte[] oneLstmKeras3() throws IOException {
        Path file = dir.resolve("one.weights.h5");
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            WritableGroup vars = h5.putGroup("layers").putGroup("lstm").putGroup("cell").putGroup("vars");
            vars.putDataset("0", new float[][] {{1, 2, 3, 4}});
            vars.putDataset("1", new float[][] {{5, 6, 7, 8}});
            vars.putDataset("2", new float[] {9, 10, 11, 12});
        }
        return Files.readAllBytes(file);
    }

    @Test
    void aDamagedHdf5FileIsAnIllegalArgumentNamingIt() throws IOException {
        Path garbage = Files.write(dir.resolve("garbage.h5"), signatureThenGarbage(2000));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(garbage, null)),
                garbage.toString(), "expected a readable HDF5 file but it is damaged", "Superblock");
        byte[] good = Files.readAllBytes(GoldenFixture.resource("keras2_lstm_l2.h5"));
        Path truncated = Files.write(dir.resolve("truncated.h5"), Arrays.copyOf(good, good.length / 2));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(truncated, null)),
                truncated.toString(), "expected a readable HDF5 file but it is damaged");
    }

    @Test
    void aDamagedHdf5EntryOfAKerasArchiveIsNamedWithTheArchive() throws IOException {
        Path zip = keras("garbage.keras", signatureThenGarbage(2000), 0);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(zip, null)),
                zip + "!/model.weights.h5", "expected a readable HDF5 file but it is damaged");
    }

    @Test
    void anArchiveEntryThatIsNoHdf5FileIsRefusedBeforeItIsInflated() throws IOException {
        Path bomb = keras("bomb.keras", new byte[0], 64L << 20);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(bomb, null)),
                bomb + "!/model.weights.h5", "expected an HDF5 file but the first bytes are [0, 0, 0, 0, 0, 0, 0, 0]");
    }

    @Test
    void aDamagedZipArchiveIsNamed() throws IOException {
        byte[] good = Files.readAllBytes(keras("good.keras", oneLstmKeras3(), 0));
        Path cut = Files.write(dir.resolve("cut.keras"), Arrays.copyOf(good, good.length - 30));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(cut, null)),
                cut.toString(), "expected a .keras zip archive but it is damaged");
    }

    @Test
    void aDatasetLargerThanItsFileIsRefusedBeforeJhdfAllocatesIt() {
        Path file = layout("damaged_shape.h5");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> KerasImporter.load(file, null)),
                file.toString(), "kernel:0: shape [6881283, 12] needs 330301584 bytes but the file has 15672");
    }

    @Test
    void aKerasArchiveEntryLargerThanTheHeapLoads() throws Exception {
        // 256 MiB of padding after the HDF5 data, read by a JVM with a 64 MiB heap: the entry is streamed to a
        // temporary file, never held in one array (which also capped entries at 2 GiB).
        Path zip = keras("padded.keras", oneLstmKeras3(), 256L << 20);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), KerasLoadMain.class.getName(), zip.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("lstm,l1,i1,h1,fwd"), output);
    }

    /** Loads the file named by the only argument and prints its spec; the child of the test above. */
    static final class KerasLoadMain {
        public static void main(String[] args) throws IOException {
            System.out.println(KerasImporter.load(Path.of(args[0]), null).spec().caseName());
        }
    }
}
