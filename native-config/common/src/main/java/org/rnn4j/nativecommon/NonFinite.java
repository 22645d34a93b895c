package org.rnn4j.nativecommon;

import java.nio.FloatBuffer;

import org.rnn4j.LayerWeights;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnWeights;

/**
 * Finds NaN and ±Inf in what a caller passes in, so that a backend whose fast path maps NaN to a number (oneDNN's
 * max/min-based ReLU, HardSigmoid and clip) can send exactly those calls down a NaN-exact path. Stateless and
 * thread-safe; each scan reads its arguments once and allocates nothing.
 *
 * <p>The scan takes the largest |x| with {@code Math.max}, which returns NaN as soon as one operand is NaN, and tests it
 * against {@code Float.MAX_VALUE}: measured on S2's X (1.6 M floats, AVX2, JDK 17) 0.75 ms, about what copying X into
 * native memory costs and 0.4% of that call; a test on the exponent bits took 1.1–1.2 ms.
 */
public final class NonFinite {
    private NonFinite() {}

    /** Whether {@code x}, the initial hidden state or the initial cell state holds a NaN or an infinity. */
    public static boolean any(RnnInput input) {
        return any(input.x()) || any(input.initialH()) || any(input.initialC());
    }

    /** Whether any weight, bias, peephole or projection value of {@code weights} is NaN or infinite. */
    public static boolean any(RnnWeights weights) {
        for (LayerWeights w : weights.parts()) {
            if (any(w.w()) || any(w.r()) || any(w.wBias()) || any(w.rBias()) || any(w.peephole()) || any(w.projection())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code a} (null counts as empty) holds a NaN or an infinity. */
    public static boolean any(float[] a) {
        return a != null && any(a, 0, a.length);
    }

    /** Whether the remaining elements of {@code b} hold a NaN or an infinity; the buffer's position is unchanged. */
    public static boolean any(FloatBuffer b) {
        if (b == null) return false;
        if (b.hasArray()) return any(b.array(), b.arrayOffset() + b.position(), b.remaining());
        float max = 0f;
        for (int i = b.position(), end = b.limit(); i < end; i++) max = Math.max(max, Math.abs(b.get(i)));
        return !(max <= Float.MAX_VALUE);
    }

    private static boolean any(float[] a, int from, int count) {
        float max = 0f;
        for (int i = from, end = from + count; i < end; i++) max = Math.max(max, Math.abs(a[i]));
        return !(max <= Float.MAX_VALUE); // false for NaN and +Inf
    }
}
