package org.rnn4j.nativecommon;

import java.util.Objects;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rnn4j.NativeBackendException;
import org.rnn4j.RnnSpec;

/**
 * The one translation of a backend's native failures into {@link NativeBackendException}: either a status code
 * returned by a C API call, or the bare {@link RuntimeException} JavaCPP throws for a C++ exception (whose message
 * may or may not carry a status). Immutable and thread-safe; one instance per backend.
 */
public final class NativeErrors {
    // "status 3", "status: 3", "status = 3", "(status 3)", "error code 3": what C++ wrappers commonly print.
    private static final Pattern STATUS_NUMBER = Pattern.compile("(?i)(?:status|error code|code)\\s*[:=]?\\s*(-?\\d+)");
    private final String backend;
    private final IntFunction<String> statusName;
    private final Pattern statusToken;

    /**
     * @param statusName  name of a native status code, e.g. {@code 3 → "dnnl_unimplemented"}; {@code null} if unknown
     * @param statusToken regex that finds a status name inside an exception message (e.g. {@code dnnl_\w+}), or null
     */
    public NativeErrors(String backend, IntFunction<String> statusName, Pattern statusToken) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.statusName = Objects.requireNonNull(statusName, "statusName");
        this.statusToken = statusToken;
    }

    public String backend() { return backend; }

    /** {@code "dnnl_unimplemented (3)"}, or {@code "status 42"} for a code without a known name. */
    public String describeStatus(int code) {
        String name = statusName.apply(code);
        return name == null ? "status " + code : name + " (" + code + ")";
    }

    /** Throws {@link NativeBackendException} unless {@code status == success}. */
    public void check(int status, int success, String operation, RnnSpec spec) {
        if (status != success) throw new NativeBackendException(backend, operation, describeStatus(status), context(spec), null);
    }

    /**
     * What to throw for {@code e}, caught around native calls. A native failure ({@link #isNativeFailure}) becomes a
     * {@link NativeBackendException}, its status taken from the message when it carries one. Anything else is returned
     * unchanged: an rnn4j exception is already what the caller should see, and a {@code NullPointerException},
     * {@code IndexOutOfBoundsException}, {@code IllegalStateException}, ... comes from Java code (ours included), so it
     * is a bug or a failed check that must keep its type rather than pass for a native status.
     */
    public RuntimeException translate(String operation, RuntimeException e, RnnSpec spec) {
        if (!isNativeFailure(e)) return e;
        String message = String.valueOf(e.getMessage());
        return new NativeBackendException(backend, operation, statusOf(message), context(spec) + ": " + message, e);
    }

    /**
     * Whether {@code e} is how JavaCPP reports a C++ exception: a {@link RuntimeException} of exactly that class,
     * carrying the exception's {@code what()}. Java code throws subclasses; JavaCPP's own checks do too (its
     * "This pointer address is NULL" is a {@code NullPointerException}: a pointer used after it was freed).
     */
    public static boolean isNativeFailure(RuntimeException e) {
        return e.getClass() == RuntimeException.class;
    }

    /** The status a message names, e.g. {@code dnnl_unimplemented (3)}, or {@code "unknown status"}. */
    public String statusOf(String message) {
        if (message == null) return "unknown status";
        Matcher number = STATUS_NUMBER.matcher(message);
        if (number.find()) {
            try {
                return describeStatus(Integer.parseInt(number.group(1)));
            } catch (NumberFormatException ignored) {
                // falls through to the name search
            }
        }
        if (statusToken != null) {
            Matcher name = statusToken.matcher(message);
            if (name.find()) return name.group();
        }
        return "unknown status";
    }

    private static String context(RnnSpec spec) { return spec == null ? "no spec" : spec.caseName(); }
}
