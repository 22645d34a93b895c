package org.rnn4j.cli;

import io.jhdf.exceptions.HdfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.importers.KerasImporter;
import org.rnn4j.importers.PyTorchImporter;

/**
 * A PyTorch (safetensors state dict) or Keras ({@code .keras}, {@code .h5}) weight file, imported with the spec
 * flags checked against it. Immutable.
 */
final class WeightsFile {
    /** The importer that reads the file. */
    enum Format { PYTORCH, KERAS }

    private final Path file;
    private final Format format;
    private final String keyPrefix;
    private final List<String> kerasLayers;

    private WeightsFile(Path file, Format format, String keyPrefix, List<String> kerasLayers) {
        this.file = file;
        this.format = format;
        this.keyPrefix = keyPrefix;
        this.kerasLayers = kerasLayers;
    }

    /**
     * Checks the options that choose and configure the importer, before any file is read.
     *
     * @param formatName  {@code pytorch}, {@code keras}, or null to go by the extension
     * @param keyPrefix   PyTorch only; null for none
     * @param kerasLayers Keras only; empty for every recurrent layer
     * @throws IllegalArgumentException naming the option that is wrong or does not apply to the format
     */
    static WeightsFile of(Path file, String formatName, String keyPrefix, List<String> kerasLayers) {
        Format format = formatName == null ? fromExtension(file) : parseFormat(formatName);
        if (format != Format.PYTORCH && keyPrefix != null) {
            throw new IllegalArgumentException("--key-prefix: expected only with --format pytorch (a state dict key prefix) but the "
                    + "format is keras (use --keras-layers to pick layers)");
        }
        if (format != Format.KERAS && !kerasLayers.isEmpty()) {
            throw new IllegalArgumentException("--keras-layers: expected only with --format keras but the format is pytorch "
                    + "(use --key-prefix to pick the module)");
        }
        return new WeightsFile(file, format, keyPrefix, kerasLayers);
    }

    private static Format parseFormat(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "pytorch": return Format.PYTORCH;
            case "keras": return Format.KERAS;
            default: throw new IllegalArgumentException("--format: expected pytorch or keras but was '" + name + "'");
        }
    }

    private static Format fromExtension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) return Format.PYTORCH;
        if (name.endsWith(".keras") || name.endsWith(".h5")) return Format.KERAS;
        throw new IllegalArgumentException("--weights " + file + ": expected --format pytorch|keras (the name does not end in "
                + ".safetensors, .keras or .h5)");
    }

    /**
     * Imports the weights: the spec is inferred from the file, then, if any spec flag was given, the flags are applied
     * to it and the importer checks the file against the result.
     *
     * @throws IllegalArgumentException naming the file: missing, unreadable, malformed, or not fitting the flags
     */
    RnnWeights load(SpecOptions flags) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--weights " + file + ": expected a " + (format == Format.PYTORCH ? ".safetensors"
                    : ".keras or .h5") + " file but it " + (Files.exists(file) ? "is not a regular file" : "does not exist"));
        }
        RnnWeights inferred = importWith(null);
        return flags.any() ? importWith(flags.apply(inferred.spec())) : inferred;
    }

    private RnnWeights importWith(RnnSpec expected) {
        try {
            if (format == Format.PYTORCH) {
                PyTorchImporter importer = PyTorchImporter.create();
                if (keyPrefix != null) importer = importer.withKeyPrefix(keyPrefix);
                return importer.read(file, expected);
            }
            return KerasImporter.load(file, kerasLayers, expected);
        } catch (IllegalArgumentException e) {
            // The importers name their Java API; on the command line the same knobs are flags.
            String m = e.getMessage();
            if (m == null) throw e;
            String cli = m.replace("(withKeyPrefix)", "(--key-prefix)").replace("name the layers to stack", "name the layers to stack with --keras-layers");
            if (cli.equals(m)) throw e;
            throw new IllegalArgumentException(cli, e);
        } catch (IOException | HdfException e) {
            // A file the importer cannot parse is the caller's input, not an rnn4j failure.
            throw new IllegalArgumentException("--weights " + file + ": cannot be read as " + format.name().toLowerCase(Locale.ROOT)
                    + " weights (" + e + ")", e);
        }
    }
}
