package org.rnn4j.importers;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named, dense, row-major float array with its shape, as read from a weight file or handed over from memory.
 * Immutable by contract (the array is not copied: do not mutate it after handing it over); safe to share.
 *
 * @param name  where it came from (a state-dict key, an HDF5 dataset path or a caller's label); used in messages
 * @param shape dimensions, outermost first; empty for a scalar
 * @param data  {@code product(shape)} values
 */
public record FloatTensor(String name, int[] shape, float[] data) {

    public FloatTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        // n stays ≤ 2^31 (more than any array holds) before each step, so n·d < 2^62 cannot wrap; a later 0 still gives 0.
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException(name + ": expected dimensions ≥ 0 but shape was " + Arrays.toString(shape));
            n = Math.min(n * d, Integer.MAX_VALUE + 1L);
        }
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs "
                    + (n > Integer.MAX_VALUE ? "more than " + Integer.MAX_VALUE : String.valueOf(n)) + " values but data has " + data.length);
        }
    }

    /** A tensor named {@code name} of the given shape. */
    public static FloatTensor of(String name, float[] data, int... shape) { return new FloatTensor(name, shape, data); }

    /** A copy of the shape. */
    @Override public int[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    /** Size of dimension {@code i}. */
    public int dim(int i) { return shape[i]; }

    /** The shape as {@code [a, b]}, for messages. */
    public String shapeString() { return Arrays.toString(shape); }

    /**
     * Checks that this tensor has exactly {@code expected} as its shape.
     *
     * @throws IllegalArgumentException naming this tensor, the expected and the actual shape
     */
    public FloatTensor requireShape(String meaning, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException(name + ": expected shape " + Arrays.toString(expected) + " (" + meaning
                    + ") but was " + Arrays.toString(shape));
        }
        return this;
    }

    /** The transpose of a rank-2 tensor: {@code [a, b] → [b, a]}. */
    FloatTensor transpose2d() {
        if (shape.length != 2) throw new IllegalArgumentException(name + ": expected a matrix but shape was " + shapeString());
        int rows = shape[0];
        int cols = shape[1];
        float[] t = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) t[c * rows + r] = data[r * cols + c];
        }
        return new FloatTensor(name + "ᵀ", new int[] {cols, rows}, t);
    }

    @Override public boolean equals(Object o) {
        return o instanceof FloatTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override public int hashCode() { return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(data)); }

    @Override public String toString() { return name + " " + shapeString(); }
}
