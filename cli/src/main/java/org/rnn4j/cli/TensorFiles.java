package org.rnn4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.onnx.OnnxTensor;

/**
 * Tensor files named on the command line, in the format their extension says: {@code .npy} (NumPy) or {@code .pb}
 * (a serialized ONNX {@code TensorProto}). Stateless.
 */
final class TensorFiles {
    private TensorFiles() {}

    /** The two formats, told apart by the file name. */
    enum Kind { NPY, PB }

    /**
     * The format of {@code file}, which {@code option} names.
     *
     * @throws IllegalArgumentException naming the option and file when the extension is neither .npy nor .pb
     */
    static Kind kindOf(String option, Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) return Kind.NPY;
        if (name.endsWith(".pb")) return Kind.PB;
        throw new IllegalArgumentException(option + " " + file + ": expected a file name ending in .npy (NumPy) or .pb "
                + "(ONNX TensorProto)");
    }

    /**
     * Reads a float32 or int32 tensor.
     *
     * @throws IllegalArgumentException starting with the option and file: missing, unreadable or malformed
     */
    static OnnxTensor read(String option, Path file, String tensorName) {
        Kind kind = kindOf(option, file);
        String source = option + " " + file;
        if (Files.isDirectory(file)) throw new IllegalArgumentException(source + ": expected a file but it is a directory");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(source + ": expected a " + (kind == Kind.NPY ? ".npy" : "TensorProto")
                    + " file but it does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": cannot be read (" + e + ")", e);
        }
        return kind == Kind.NPY ? Npy.decode(bytes, tensorName, source) : OnnxTensor.parse(bytes, source).withName(tensorName);
    }

    /**
     * Fails before any computation when {@code file} cannot be an output: wrong extension, a directory, or a parent
     * that is a file.
     */
    static void requireWritable(String option, Path file) {
        kindOf(option, file);
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + ": expected an output file name but it is a directory");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + file + ": expected its parent to be a directory but " + parent + " is a file");
        }
    }

    /**
     * Writes every tensor to its file (format by extension), all or nothing: each goes to a temporary file beside its
     * target first and is moved into place only when all were written; on failure every file written is removed.
     */
    static void writeAll(Map<Path, OnnxTensor> outputs) {
        Map<Path, byte[]> bytes = new LinkedHashMap<>();
        for (Map.Entry<Path, OnnxTensor> e : outputs.entrySet()) {
            OnnxTensor t = e.getValue();
            bytes.put(e.getKey(), kindOf("output", e.getKey()) == Kind.NPY ? Npy.encode(t) : t.toBytes());
        }
        List<Path> temps = new ArrayList<>();
        List<Path> placed = new ArrayList<>();
        Path current = null;
        try {
            for (Map.Entry<Path, byte[]> e : bytes.entrySet()) {
                current = e.getKey();
                Path dir = current.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "." + current.getFileName() + ".", ".tmp");
                temps.add(tmp);
                Files.write(tmp, e.getValue());
            }
            int k = 0;
            for (Path target : bytes.keySet()) {
                current = target;
                Files.move(temps.get(k++), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                placed.add(target);
            }
        } catch (IOException e) {
            for (Path p : temps) deleteQuietly(p);
            for (Path p : placed) deleteQuietly(p);
            throw new IllegalArgumentException(current + ": cannot write the output (" + e + "); no output was written", e);
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
