package org.rnn4j;

/** No backend of the requested name is installed or it cannot run here; the message lists every provider's state. */
public class BackendUnavailableException extends RnnException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) { super(message); }
}
