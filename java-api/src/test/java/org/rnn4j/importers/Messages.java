package org.rnn4j.importers;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on exception messages: every named part must appear. Stateless. */
final class Messages {
    private Messages() {}

    static void assertMessage(Exception e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': " + e.getMessage());
    }
}
