package org.rnn4j.tests.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.rnn4j.BackendUnavailableException;
import org.rnn4j.UnsupportedConfigurationException;

/**
 * The one check every bad-input case ends in: the documented exception type, a one-line message that names the
 * argument. Stateless.
 */
final class Rejections {
    private Rejections() {}

    /** Runs {@code action}, which must throw {@code expected} with a message containing {@code argument}. */
    static <T extends Throwable> T assertRejected(Class<T> expected, String argument, String caseName, Runnable action) {
        Throwable thrown = null;
        try {
            action.run();
        } catch (Throwable t) {
            thrown = t;
        }
        if (thrown == null) fail(caseName + ": expected " + expected.getSimpleName() + " naming '" + argument + "' but nothing was thrown");
        if (!expected.isInstance(thrown)) {
            throw new AssertionError(caseName + ": expected " + expected.getSimpleName() + " naming '" + argument + "' but got "
                    + thrown, thrown);
        }
        requireDocumented(thrown, caseName);
        String m = thrown.getMessage();
        assertNotNull(m, caseName + ": " + thrown.getClass().getSimpleName() + " without a message");
        assertTrue(m.contains(argument), caseName + ": expected the message to name '" + argument + "' but was: " + m);
        assertFalse(m.contains("\n"), caseName + ": the message spans lines: " + m);
        return expected.cast(thrown);
    }

    /** Only the exceptions the API documents for bad input may reach a caller. */
    static void requireDocumented(Throwable t, String caseName) {
        boolean documented = t instanceof IllegalArgumentException || t instanceof NullPointerException
                || t instanceof UnsupportedConfigurationException || t instanceof BackendUnavailableException;
        if (!documented) throw new AssertionError(caseName + ": undocumented exception for bad input: " + t, t);
    }
}
