package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.Activation;
import org.rnn4j.Cell;

/** One {@code --cell} word, one cell, in {@code bench} and {@code run --weights} alike. */
class CellNamesTest {

    @Test
    void everyNameIsTheCellItsCaseNameSays() {
        Map<String, Cell> expected = Map.of(
                "lstm", new Cell.Lstm(),
                "lstm-peephole", new Cell.Lstm().withAllPeepholes(),
                "lstm-cifg", new Cell.Lstm().withCoupling(Cell.Coupling.FORGET_FROM_INPUT),
                "gru", new Cell.Gru(Cell.ResetMode.RESET_BEFORE),
                "gru-rb", new Cell.Gru(Cell.ResetMode.RESET_BEFORE),
                "gru-lbr", new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET),
                "rnn", new Cell.Rnn(Activation.TANH),
                "rnn-tanh", new Cell.Rnn(Activation.TANH),
                "rnn-relu", new Cell.Rnn(Activation.RELU));
        expected.forEach((name, cell) -> assertEquals(cell, CellNames.parse(name), name));
        // rnn4j's case names spell the same cells with '_': gru_lbr, rnn_relu, lstm_peephole.
        expected.forEach((name, cell) -> assertEquals(cell, CellNames.parse(name.replace('-', '_').toUpperCase(java.util.Locale.ROOT)), name));
        assertEquals("gru", CellNames.parse("gru").shortName(), "the flag and the case name agree");
        assertEquals("gru_lbr", CellNames.parse("gru-lbr").shortName(), "the flag and the case name agree");
    }

    @Test
    void anUnknownNameListsEveryAcceptedOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CellNames.parse("lstmp"));
        assertEquals("--cell: expected one of " + CellNames.NAMES + " but was 'lstmp'", e.getMessage());
    }

    /** Names bench used to refuse (run's spellings) now time the same cells. */
    @ParameterizedTest
    @ValueSource(strings = {"gru-rb", "rnn-tanh", "rnn-relu"})
    void benchTakesRunsSpellings(String name) {
        MainTest.Result r = MainTest.rnn4j("bench", "--cell", name, "--batch", "1", "--steps", "2", "--input", "2", "--hidden", "3",
                "--warmup", "0", "--iterations", "1", "--backends", "reference");
        assertEquals(0, r.status(), r.err());
        String caseName = CellNames.parse(name).shortName() + ",l1,i2,h3,fwd";
        assertTrue(r.out().startsWith("rnn4j bench: " + caseName), r.out());
    }
}
