package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.rnn4j.reference.ReferenceBackend;

/** Inputs that do not fit the spec are rejected before any computation, naming the tensor and both sizes. */
class InputValidationTest {
    private static final RnnSpec SPEC = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(2).layers(2).build();

    private static void assertRejected(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), () -> "'" + ex.getMessage() + "' should contain '" + f + "'");
        }
    }

    private static void forward(RnnInput in) {
        try (PreparedRnn p = new ReferenceBackend().prepare(SPEC, RnnWeights.random(SPEC, 1))) {
            p.forward(in);
        }
    }

    @Test
    void sequenceLengthsOutsideZeroToStepsAreRejected() {
        assertRejected(() -> RnnInput.builder(new float[12], Layout.TIME_MAJOR, 2, 2).sequenceLengths(1, 3),
                "sequenceLengths[1]", "[0, T=2]", "3");
        assertRejected(() -> RnnInput.builder(new float[12], Layout.TIME_MAJOR, 2, 2).sequenceLengths(-1, 0),
                "sequenceLengths[0]", "-1");
        assertRejected(() -> RnnInput.builder(new float[12], Layout.TIME_MAJOR, 2, 2).sequenceLengths(1),
                "sequenceLengths", "N = 2", "1");
    }

    @Test
    void stepsAndBatchMustBePositive() {
        assertRejected(() -> RnnInput.builder(new float[0], Layout.TIME_MAJOR, 0, 1), "steps (T)", "0");
        assertRejected(() -> RnnInput.builder(new float[0], Layout.TIME_MAJOR, 1, -1), "batch (N)", "-1");
    }

    @Test
    void wrongInputSizeNamesTheShape() {
        assertRejected(() -> forward(RnnInput.of(new float[11], 2, 2)), "X", "2·2·3 = 12", "11");
    }

    @Test
    void wrongInitialStatesAreRejected() {
        assertRejected(() -> forward(RnnInput.builder(new float[12], Layout.TIME_MAJOR, 2, 2).initialH(new float[7]).build()),
                "initial h", "[L·D=2, N=2, S=2] = 8", "7");
        assertRejected(() -> forward(RnnInput.builder(new float[12], Layout.TIME_MAJOR, 2, 2).initialC(new float[9]).build()),
                "initial c", "= 8", "9");
    }

    @Test
    void cellStateOfAGruIsRejected() {
        RnnSpec gru = RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(1).hiddenSize(1).build();
        try (PreparedRnn p = new ReferenceBackend().prepare(gru, RnnWeights.random(gru, 1))) {
            assertRejected(() -> p.forward(RnnInput.builder(new float[1], Layout.TIME_MAJOR, 1, 1)
                    .outputs(EnumSet.of(OutputKind.C_FINAL)).build()), "C_FINAL", "gru");
            assertRejected(() -> p.forward(RnnInput.builder(new float[1], Layout.TIME_MAJOR, 1, 1)
                    .initialC(new float[1]).build()), "initial c", "no cell state");
        }
    }

    @Test
    void forwardAfterCloseIsAnIllegalStateAndCloseIsIdempotent() {
        PreparedRnn p = new ReferenceBackend().prepare(SPEC, RnnWeights.random(SPEC, 1));
        p.close();
        p.close();
        assertThrows(IllegalStateException.class, () -> p.forward(RnnInput.of(new float[6], 1, 2)));
    }

    /** The lengths are checked once, at build time: neither the caller's array nor the getter's can change them. */
    @Test
    void validatedLengthsCannotBeChangedAfterBuild() {
        int[] lengths = {2, 1};
        RnnInput in = RnnInput.builder(new float[12], Layout.TIME_MAJOR, 2, 2).sequenceLengths(lengths).build();
        lengths[0] = 5;
        in.sequenceLengths()[1] = -1;
        assertArrayEquals(new int[] {2, 1}, in.sequenceLengths());
        assertEquals(1, in.lengthOf(1));
    }
}
