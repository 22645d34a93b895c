package org.rnn4j.onednn;

import java.util.regex.Pattern;
import org.rnn4j.NativeBackendException;
import org.rnn4j.RnnSpec;
import org.rnn4j.nativecommon.NativeErrors;

/**
 * The single place where oneDNN failures become rnn4j exceptions. Stateless and thread-safe. Status names are
 * oneDNN's {@code dnnl_status_t} values; they are spelled out here (not read from the preset) so that translating
 * an error never needs the natives that may just have failed to load.
 */
final class OneDnnErrors {
    static final String BACKEND = "onednn";
    private static final String[] NAMES = {
        "dnnl_success", "dnnl_out_of_memory", "dnnl_invalid_arguments", "dnnl_unimplemented",
        "dnnl_last_impl_reached", "dnnl_runtime_error", "dnnl_not_required", "dnnl_invalid_graph",
        "dnnl_invalid_graph_op", "dnnl_invalid_shape", "dnnl_invalid_data_type"};
    private static final NativeErrors ERRORS = new NativeErrors(BACKEND,
            code -> code >= 0 && code < NAMES.length ? NAMES[code] : null, Pattern.compile("dnnl_[a-z_]+"));

    private OneDnnErrors() {}

    /** Throws {@link NativeBackendException} unless {@code status} is {@code dnnl_success}. */
    static void check(int status, String operation, RnnSpec spec) {
        if (status != 0) ERRORS.check(status, 0, operation, spec);
    }

    /**
     * What to throw for {@code e}: a {@link NativeBackendException} for a oneDNN failure, {@code e} itself for anything
     * thrown by Java code (see {@link NativeErrors#translate}).
     */
    static RuntimeException translate(String operation, RuntimeException e, RnnSpec spec) {
        return ERRORS.translate(operation, e, spec);
    }

    static String describeStatus(int status) { return ERRORS.describeStatus(status); }
}
