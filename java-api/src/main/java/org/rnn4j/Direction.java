package org.rnn4j;

/** How a layer walks the sequence, and how two directions are combined. */
public enum Direction {
    FORWARD(1, "fwd"), REVERSE(1, "reverse"),
    /** Both directions; outputs concatenated on the channel axis (forward first). */
    BIDIRECTIONAL_CONCAT(2, "bidi_concat"),
    /** Both directions; outputs added element-wise. */
    BIDIRECTIONAL_SUM(2, "bidi_sum");

    private final int count;
    private final String shortName;

    Direction(int count, String shortName) {
        this.count = count;
        this.shortName = shortName;
    }

    /** The token used in case names, e.g. {@code bidi_concat}. */
    public String shortName() { return shortName; }

    /** D: the number of directions computed per layer (1 or 2). */
    public int count() { return count; }

    public boolean isBidirectional() { return count == 2; }

    /** Width multiplier of a layer output: 2 for concat, 1 otherwise. */
    public int outputMultiplier() { return this == BIDIRECTIONAL_CONCAT ? 2 : 1; }
}
