package org.rnn4j;

/** Root of rnn4j's unchecked exceptions. Bad caller input is reported as {@link IllegalArgumentException} instead. */
public class RnnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RnnException(String message) { super(message); }

    public RnnException(String message, Throwable cause) { super(message, cause); }
}
