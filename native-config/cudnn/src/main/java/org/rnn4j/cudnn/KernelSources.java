package org.rnn4j.cudnn;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rnn4j.Activation;

/**
 * The CUDA C++ kernels of the composed GPU path (resources under {@code org/rnn4j/cudnn/kernels/}) and the one
 * set of compiler flags used both by the build-time check ({@code nvcc --ptx}) and by NVRTC at run time. Pure
 * Java; stateless and thread-safe.
 */
final class KernelSources {
    static final String RESOURCE_DIR = "/org/rnn4j/cudnn/kernels/";
    /** Kernel translation units, each compiled on its own. */
    static final List<String> KERNELS = List.of("rnn_step.cu", "lstm_step.cu", "gru_step.cu", "reverse_sequences.cu",
            "sum_directions.cu", "half.cu");
    /** Headers a kernel may {@code #include "…"}; NVRTC receives them by name (nvrtcCreateProgram headers). */
    static final List<String> HEADERS = List.of("activations.cuh", "half.cuh");
    /** Language flags shared by nvcc and NVRTC; only the architecture flag is spelled differently. */
    static final List<String> COMMON_FLAGS = List.of("-std=c++17");

    private KernelSources() {}

    /** The source text of a kernel or header. */
    static String text(String name) {
        try (InputStream in = KernelSources.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) throw new IllegalStateException("kernel source " + RESOURCE_DIR + name + " missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + name, e);
        }
    }

    /** {@code nvcc --ptx -arch=sm_XY -std=c++17 -I dir -o out src}: the build-time check of one kernel. */
    static List<String> nvccCommand(String nvcc, String source, String includeDir, String output, int major, int minor) {
        List<String> cmd = new ArrayList<>(List.of(nvcc, "--ptx", "-arch=sm_" + major + minor));
        cmd.addAll(COMMON_FLAGS);
        cmd.addAll(List.of("-I" + includeDir, "-o", output, source));
        return cmd;
    }

    /** NVRTC options for {@code target}: its architecture option (sm_XY for a cubin, compute_XY for PTX), then the language flags. */
    static List<String> nvrtcOptions(KernelTarget target) {
        List<String> opts = new ArrayList<>(List.of(target.option()));
        opts.addAll(COMMON_FLAGS);
        return opts;
    }

    /** The activation code the kernels' {@code rnn4j_act} switch uses (activations.cuh). */
    static int activationCode(Activation a) {
        switch (a.kind()) {
            case RELU: return 0;
            case TANH: return 1;
            case SIGMOID: return 2;
            case AFFINE: return 3;
            case LEAKY_RELU: return 4;
            case THRESHOLDED_RELU: return 5;
            case SCALED_TANH: return 6;
            case HARD_SIGMOID: return 7;
            case ELU: return 8;
            case SOFTSIGN: return 9;
            case SOFTPLUS: return 10;
            default: throw new AssertionError(a);
        }
    }
}
