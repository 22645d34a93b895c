package org.rnn4j;

/** A native library reported a failure; carries the backend, the operation and the native status. */
public class NativeBackendException extends RnnException {
    private static final long serialVersionUID = 1L;
    private final String backend;
    private final String operation;
    private final String status;

    public NativeBackendException(String backend, String operation, String status, String context, Throwable cause) {
        super(backend + ": " + operation + " failed with " + status + (context == null ? "" : " (" + context + ")"), cause);
        this.backend = backend;
        this.operation = operation;
        this.status = status;
    }

    public String backend() { return backend; }

    public String operation() { return operation; }

    /** Native status name and code as the library reported it, e.g. {@code CUDNN_STATUS_BAD_PARAM (3)}. */
    public String status() { return status; }
}
