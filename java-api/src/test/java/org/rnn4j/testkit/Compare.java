package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.rnn4j.RnnOutput;

/** Element-wise comparison whose failure message reads as a reproduction: case, tensor, index, expected, actual. */
public final class Compare {
    private Compare() {}

    public static void assertClose(String caseName, String tensor, float[] expected, float[] actual, Tolerance tol) {
        if (expected == null || actual == null) {
            assertEquals(expected == null, actual == null, caseName + ": " + tensor + " presence differs (expected "
                    + (expected == null ? "none" : expected.length + " values") + ")");
            return;
        }
        assertEquals(expected.length, actual.length, caseName + ": " + tensor + " length");
        int worst = -1;
        double worstExcess = 0;
        int bad = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!tol.accepts(expected[i], actual[i])) {
                bad++;
                double excess = Double.isFinite(actual[i]) ? Math.abs(actual[i] - expected[i]) : Double.POSITIVE_INFINITY;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (bad > 0) {
            fail(caseName + ": " + tensor + " differs at " + bad + " of " + expected.length + " elements; worst [" + worst
                    + "] expected " + expected[worst] + " got " + actual[worst] + " (|diff| " + worstExcess
                    + ", tolerance " + tol.atol() + " + " + tol.rtol() + "·|expected|)");
        }
    }

    /** The largest share of {@code tol} any element of Y, final h or final c uses (≤ 1 when they all pass). */
    public static double worstUse(RnnOutput expected, RnnOutput actual, Tolerance tol) {
        double worst = 0;
        float[][][] pairs = {{expected.y(), actual.y()}, {expected.hFinal(), actual.hFinal()}, {expected.cFinal(), actual.cFinal()}};
        for (float[][] p : pairs) {
            if (p[0] == null || p[1] == null) continue;
            for (int i = 0; i < p[0].length; i++) worst = Math.max(worst, tol.used(p[0][i], p[1][i]));
        }
        return worst;
    }

    public static void assertOutputsClose(String caseName, RnnOutput expected, RnnOutput actual, Tolerance tol) {
        assertClose(caseName, "Y", expected.y(), actual.y(), tol);
        assertClose(caseName, "final h", expected.hFinal(), actual.hFinal(), tol);
        assertClose(caseName, "final c", expected.cFinal(), actual.cFinal(), tol);
    }
}
