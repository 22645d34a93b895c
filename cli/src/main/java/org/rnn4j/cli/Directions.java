package org.rnn4j.cli;

import java.util.Locale;
import java.util.Map;
import org.rnn4j.Direction;

/**
 * The one vocabulary for {@code --direction} in every command: {@code forward}, {@code reverse}, {@code bidi-concat},
 * {@code bidi-sum}, with the long forms {@code bidirectional} / {@code bidirectional-concat} and
 * {@code bidirectional-sum} accepted as aliases. Stateless.
 */
final class Directions {
    static final String NAMES = "forward, reverse, bidi-concat, bidi-sum";
    static final String HELP = "forward | reverse | bidi-concat | bidi-sum (also bidirectional, bidirectional-sum)";
    private static final Map<String, Direction> BY_NAME = Map.of(
            "forward", Direction.FORWARD, "reverse", Direction.REVERSE,
            "bidi-concat", Direction.BIDIRECTIONAL_CONCAT, "bidi-sum", Direction.BIDIRECTIONAL_SUM,
            "bidirectional", Direction.BIDIRECTIONAL_CONCAT, "bidirectional-concat", Direction.BIDIRECTIONAL_CONCAT,
            "bidirectional-sum", Direction.BIDIRECTIONAL_SUM);

    private Directions() {}

    /** The direction named {@code name} (case-insensitive); the message of the exception names the flag. */
    static Direction parse(String name) {
        Direction d = name == null ? null : BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (d == null) throw new IllegalArgumentException("--direction: expected one of " + NAMES + " but was '" + name + "'");
        return d;
    }
}
