package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.Layout;

/** Length bookkeeping around cuDNN's padded sequence-major I/O: zero lengths, reverse, sum, layouts. */
class SequenceStagingTest {
    // T=3, N=2, I=1, time-major: x[t][n] = 10·t + n
    private static final float[] X_TNC = {0, 1, 10, 11, 20, 21};

    @Test
    void zeroLengthSequencesRunOneDiscardedStep() {
        SequenceStaging s = new SequenceStaging(3, 3, new int[] {2, 0, 1}, false);
        assertArrayEquals(new int[] {2, 1, 1}, s.cudnnLengths());
        assertEquals(2, s.maxLength());
        assertTrue(s.isZeroLength(1));
    }

    @Test
    void allZeroLengthsStillGiveCudnnOneStep() {
        SequenceStaging s = new SequenceStaging(4, 2, new int[] {0, 0}, false);
        assertEquals(1, s.maxLength());
        assertArrayEquals(new float[2], s.packX(FloatBuffer.wrap(new float[8]), Layout.TIME_MAJOR, 1));
    }

    @Test
    void packCopiesValidStepsAndZeroesPadding() {
        SequenceStaging s = new SequenceStaging(3, 2, new int[] {3, 1}, false);
        assertArrayEquals(new float[] {0, 1, 10, 0, 20, 0}, s.packX(FloatBuffer.wrap(X_TNC), Layout.TIME_MAJOR, 1));
    }

    @Test
    void packReadsBatchMajorInput() {
        float[] ntc = {0, 10, 20, 1, 11, 21}; // same values as X_TNC, [N, T, C]
        SequenceStaging s = new SequenceStaging(3, 2, null, false);
        assertArrayEquals(X_TNC, s.packX(FloatBuffer.wrap(ntc), Layout.BATCH_MAJOR, 1));
    }

    @Test
    void reverseMirrorsEachSequenceWithinItsOwnLength() {
        SequenceStaging s = new SequenceStaging(3, 2, new int[] {3, 2}, true);
        // seq 0: 20, 10, 0; seq 1 (len 2): 11, 1, pad
        assertArrayEquals(new float[] {20, 11, 10, 1, 0, 0}, s.packX(FloatBuffer.wrap(X_TNC), Layout.TIME_MAJOR, 1));
        // cuDNN's y in its (reversed) order goes back to the original steps; steps past the length stay zero.
        float[] y = {100, 101, 110, 111, 120, 999};
        assertArrayEquals(new float[] {120, 111, 110, 101, 100, 0}, s.unpackY(y, Layout.TIME_MAJOR, 1));
    }

    @Test
    void unpackZeroesStepsPastEachLengthEvenIfCudnnWroteThere() {
        SequenceStaging s = new SequenceStaging(3, 2, new int[] {1, 0}, false);
        float[] y = {5, 7}; // maxLength 1: cuDNN computed one step for both, the zero-length one is discarded
        assertArrayEquals(new float[] {5, 0, 0, 0, 0, 0}, s.unpackY(y, Layout.TIME_MAJOR, 1));
    }

    @Test
    void unpackWritesBatchMajorAndConcatChannels() {
        SequenceStaging s = new SequenceStaging(2, 2, null, false);
        float[] y = {1, 2, 3, 4, 5, 6, 7, 8}; // [T=2, N=2, C=2]
        assertArrayEquals(new float[] {1, 2, 5, 6, 3, 4, 7, 8}, s.unpackY(y, Layout.BATCH_MAJOR, 2));
    }

    @Test
    void zeroLengthRowsGetTheirInitialStateBack() {
        SequenceStaging s = new SequenceStaging(2, 2, new int[] {2, 0}, false);
        float[] hy = {1, 2, 3, 4, 5, 6, 7, 8}; // [L·D=2, N=2, W=2]
        float[] h0 = {-1, -2, -3, -4, -5, -6, -7, -8};
        s.restoreZeroLengthStates(hy, h0, 2, 2);
        assertArrayEquals(new float[] {1, 2, -3, -4, 5, 6, -7, -8}, hy);
        float[] hyNoInit = {1, 2, 3, 4, 5, 6, 7, 8};
        s.restoreZeroLengthStates(hyNoInit, null, 2, 2);
        assertArrayEquals(new float[] {1, 2, 0, 0, 5, 6, 0, 0}, hyNoInit);
    }

    /**
     * The pinned staging path packs into a buffer that is reused across calls: every element of cuDNN's x, padding
     * included, must be written, with the values of a plain element-by-element packing written out here, and the
     * fresh-array path must agree.
     */
    @Test
    void packIntoAReusedBufferOverwritesEverythingAndMatchesTheArrayPath() {
        SplittableRandom random = new SplittableRandom(3);
        int steps = 5, batch = 3, inputSize = 7;
        int[] lengths = {5, 0, 2};
        float[] x = new float[steps * batch * inputSize];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextDouble(-2, 2);
        for (Layout layout : Layout.values()) {
            for (boolean reverse : new boolean[] {false, true}) {
                SequenceStaging s = new SequenceStaging(steps, batch, lengths, reverse);
                // cuDNN's x [maxLength = 5, N, I]: step t of sequence n is X's step t (len - 1 - t when reversed).
                float[] expected = new float[5 * batch * inputSize];
                for (int n = 0; n < batch; n++) {
                    for (int t = 0; t < lengths[n]; t++) {
                        int source = reverse ? lengths[n] - 1 - t : t;
                        for (int c = 0; c < inputSize; c++) {
                            expected[(t * batch + n) * inputSize + c] = x[(int) layout.offset(source, n, c, steps, batch, inputSize)];
                        }
                    }
                }
                assertArrayEquals(expected, s.packX(FloatBuffer.wrap(x), layout, inputSize), layout + ", reverse " + reverse);
                float[] dirty = new float[expected.length + 4];
                Arrays.fill(dirty, 99f);
                s.packX(FloatBuffer.wrap(x), layout, inputSize, FloatBuffer.wrap(dirty));
                assertArrayEquals(expected, Arrays.copyOf(dirty, expected.length), layout + ", reverse " + reverse);
            }
        }
    }

    /**
     * Unpacking from a buffer gives the values of a plain element-by-element unpacking written out here,
     * in both layouts, and so does the array path.
     */
    @Test
    void unpackFromABufferMatchesTheArrayPath() {
        int steps = 4, batch = 3, channels = 6;
        int[] lengths = {4, 1, 0};
        float[] y = new float[steps * batch * channels];
        for (int i = 0; i < y.length; i++) y[i] = (i % 17) - 8;
        for (Layout layout : Layout.values()) {
            SequenceStaging s = new SequenceStaging(steps, batch, lengths, true);
            // cuDNN's step t of sequence n is the caller's step len - 1 - t (reversed); steps past len stay 0.
            float[] expected = new float[steps * batch * channels];
            for (int n = 0; n < batch; n++) {
                for (int t = 0; t < lengths[n]; t++) {
                    int target = lengths[n] - 1 - t;
                    for (int c = 0; c < channels; c++) {
                        expected[(int) layout.offset(target, n, c, steps, batch, channels)] = y[(t * batch + n) * channels + c];
                    }
                }
            }
            assertArrayEquals(expected, s.unpackY(y, layout, channels), layout.toString());
            assertArrayEquals(expected, s.unpackY(FloatBuffer.wrap(y), layout, channels), layout.toString());
        }
    }

    @Test
    void pinnedLimitPropertyIsParsedOrRejectedWithItsName() {
        assertEquals(64L << 20, PinnedBuffer.limitBytes(null));
        assertEquals(64L << 20, PinnedBuffer.limitBytes(" "));
        assertEquals(0L, PinnedBuffer.limitBytes("0"));
        assertEquals(1024L << 20, PinnedBuffer.limitBytes(" 1024 "));
        for (String bad : new String[] {"-1", "1025", "64MiB", "1e3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PinnedBuffer.limitBytes(bad));
            assertTrue(e.getMessage().contains("rnn4j.cudnn.pinnedStagingMiB") && e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void lengthsOutOfRangeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SequenceStaging(3, 1, new int[] {4}, false));
    }
}
