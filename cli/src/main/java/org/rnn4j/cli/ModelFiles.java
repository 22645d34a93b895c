package org.rnn4j.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rnn4j.onnx.OnnxRnnModel;
import org.rnn4j.onnx.OnnxTensor;

/**
 * The ONNX test-data directory convention: {@code input_K.pb} per model input, {@code output_K.pb} per model
 * output. Stateless.
 */
final class ModelFiles {
    private static final Pattern INPUT_FILE = Pattern.compile("input_(\\d+)\\.pb");

    private ModelFiles() {}

    /**
     * Reads {@code dir/input_K.pb} for every model input, in order.
     *
     * @throws IllegalArgumentException naming the directory or file: missing, extra, unreadable or malformed
     */
    static List<OnnxTensor> readInputs(Path dir, OnnxRnnModel model) {
        List<String> names = model.inputNames();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("INPUT_DIR " + dir + ": expected a directory holding input_0.pb .. input_"
                    + (names.size() - 1) + ".pb " + names + " but it " + (Files.exists(dir) ? "is not a directory" : "does not exist"));
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "input_*.pb")) {
            for (Path f : files) {
                Matcher m = INPUT_FILE.matcher(f.getFileName().toString());
                if (m.matches() && (m.group(1).length() > 6 || Integer.parseInt(m.group(1)) >= names.size())) {
                    throw new IllegalArgumentException(f + ": unexpected file, the model " + model.source() + " has only "
                            + names.size() + " inputs " + names);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("INPUT_DIR " + dir + ": cannot be listed (" + e + ")", e);
        }
        List<OnnxTensor> tensors = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            Path f = dir.resolve("input_" + k + ".pb");
            if (!Files.exists(f)) {
                throw new IllegalArgumentException(f + ": expected model input " + k + " '" + names.get(k)
                        + "' as a TensorProto file but it does not exist (the model has inputs " + names + ")");
            }
            tensors.add(OnnxTensor.read(f));
        }
        return tensors;
    }

    /**
     * Writes {@code dir/output_K.pb} for each tensor, all or nothing: every file goes to a temporary name in
     * {@code dir} first and is moved into place only when all were written.
     */
    static List<Path> writeOutputs(Path dir, List<OnnxTensor> outputs) {
        requireOutputDir(dir);
        List<byte[]> bytes = new ArrayList<>();
        for (OnnxTensor t : outputs) bytes.add(t.toBytes());
        List<Path> temps = new ArrayList<>();
        List<Path> placed = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (int k = 0; k < bytes.size(); k++) {
                Path tmp = Files.createTempFile(dir, ".output_" + k + ".pb.", ".tmp");
                temps.add(tmp);
                Files.write(tmp, bytes.get(k));
            }
            for (int k = 0; k < temps.size(); k++) {
                Path target = dir.resolve("output_" + k + ".pb");
                Files.move(temps.get(k), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                placed.add(target);
            }
            return placed;
        } catch (IOException e) {
            for (Path p : temps) deleteQuietly(p);
            for (Path p : placed) deleteQuietly(p);
            throw new IllegalArgumentException("OUTPUT_DIR " + dir + ": cannot write the outputs (" + e + ")", e);
        }
    }

    /** Fails early, before any computation, when OUTPUT_DIR cannot be a directory. */
    static void requireOutputDir(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("OUTPUT_DIR " + dir + ": expected a directory but it is a file");
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // Best effort: the original error is the one worth reporting.
        }
    }
}
