package org.rnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.reference.ReferenceBackend;

/**
 * Every user scratchpad is followed by a guard zone that the tests check after each primitive call
 * ({@link Scratchpad}, {@code rnn4j.onednn.checkScratchpads=true} in the build). oneDNN 3.11's brgemm matmul with a
 * {@code sum} post-op wrote up to 956 bytes past its declared scratchpad for one row and more than 1,024 state
 * columns (with clip in the post-op chain, which is when oneDNN picks that implementation here); the composed LSTM used that post-op for peepholes, so a peephole subset with S &gt; 1024 and a single
 * active sequence (batch 1, or the last sequence of a ragged batch) corrupted the C heap and crashed the JVM
 * (reliability.md, bug 29). The step now adds the peephole term as a binary post-op; these cases ran the faulty
 * primitive and now must agree with the reference with every guard intact.
 */
class ScratchpadGuardTest {
    private static final OneDnnBackend ONEDNN = new OneDnnBackend();
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();

    static Stream<RnnSpec> wideComposedSpecs() {
        Cell.Lstm io = Cell.lstm().withPeepholes(Gate.INPUT, Gate.OUTPUT);
        return Stream.of(
                RnnSpec.builder(io).inputSize(3).hiddenSize(1025).clip(0.75).direction(Direction.BIDIRECTIONAL_SUM).build(),
                RnnSpec.builder(io).inputSize(5).hiddenSize(1030).clip(3.0).build(),
                RnnSpec.builder(Cell.lstm().withPeepholes(Gate.FORGET)).inputSize(2).hiddenSize(1100).clip(2.0)
                        .direction(Direction.REVERSE).build(),
                // without clip oneDNN picks another matmul here (gemm:jit); kept so a change of choice is covered
                RnnSpec.builder(io).inputSize(4).hiddenSize(1027).build());
    }

    @Test
    void theBuildChecksGuards() {
        assertTrue(Scratchpad.checking(), "run with -D" + Scratchpad.CHECK_PROPERTY + "=true (the build sets it)");
    }

    @Test
    void aWritePastTheDeclaredSizeIsReportedAndTheGuardRestored() {
        try (Scratchpad s = new Scratchpad(100)) {
            assertDoesNotThrow(() -> s.check("nothing"));
            BytePointer view = new BytePointer(s.pointer()).capacity(100 + Scratchpad.GUARD);
            Pointer.memset(view, 0, 100); // the declared bytes are the primitive's to use
            assertDoesNotThrow(() -> s.check("within"));
            view.put(100 + 7, (byte) 1);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.check("a test write"));
            assertTrue(e.getMessage().contains("a test write wrote 8 bytes past the 100-byte scratchpad"), e.getMessage());
            assertDoesNotThrow(() -> s.check("after restore"));
        }
    }

    @ParameterizedTest
    @MethodSource("wideComposedSpecs")
    void wideComposedLstmWithOneActiveSequenceKeepsItsScratchpadAndAgrees(RnnSpec spec) {
        RnnWeights weights = RnnWeights.random(spec, 29);
        SplittableRandom rnd = new SplittableRandom(spec.hiddenSize());
        try (PreparedRnn native_ = ONEDNN.prepare(spec, weights); PreparedRnn reference = REFERENCE.prepare(spec, weights)) {
            // batch 1, then a ragged batch whose last steps have one active sequence, then batch 2
            int[][] shapes = {{3, 1}, {4, 3}, {2, 2}};
            for (int[] shape : shapes) {
                int t = shape[0];
                int n = shape[1];
                float[] x = Agreement.uniform(rnd, t * n * spec.inputSize());
                RnnInput.Builder in = RnnInput.builder(x, Layout.TIME_MAJOR, t, n);
                if (n == 3) in.sequenceLengths(new int[] {4, 1, 2});
                RnnInput input = in.build();
                String name = spec.caseName() + " T=" + t + " N=" + n;
                Agreement.assertClose(name, reference.forward(input), native_.forward(input), Agreement.tolerance(spec, t));
            }
        }
    }
}
