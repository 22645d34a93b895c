package org.rnn4j;

/** How a layer walks the sequence, and how two directions are combined. */
public enum Direction {
    FORWARD(1), REVERSE(1),
    /** Both directions; outputs concatenated on the channel axis (forward first). */
    BIDIRECTIONAL_CONCAT(2),
    /** Both directions; outputs added element-wise. */
    BIDIRECTIONAL_SUM(2);

    private final int count;

    Direction(int count) { this.count = count; }

    /** D: the number of directions computed per layer (1 or 2). */
    public int count() { return count; }

    public boolean isBidirectional() { return count == 2; }

    /** Width multiplier of a layer output: 2 for concat, 1 otherwise. */
    public int outputMultiplier() { return this == BIDIRECTIONAL_CONCAT ? 2 : 1; }
}
