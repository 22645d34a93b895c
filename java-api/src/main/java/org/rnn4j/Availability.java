package org.rnn4j;

import java.util.Objects;

/**
 * Whether a backend can run on this machine, and why not. {@code details} describes what was found (library
 * versions, CPU ISA, device); {@code reason} says what is missing and how to fix it.
 */
public record Availability(boolean available, String details, String reason) {
    public Availability {
        Objects.requireNonNull(details, "details");
        Objects.requireNonNull(reason, "reason");
    }

    public static Availability available(String details) { return new Availability(true, details, ""); }

    public static Availability unavailable(String reason) { return new Availability(false, "", reason); }

    @Override
    public String toString() { return available ? "available (" + details + ")" : "unavailable: " + reason; }
}
