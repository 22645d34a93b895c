package org.rnn4j.cli;

import java.util.Locale;
import org.rnn4j.Activation;
import org.rnn4j.Cell;

/**
 * The {@code --cell} vocabulary shared by {@code bench} and {@code run --weights}: one word names one cell in both
 * commands, and the words follow rnn4j's case names ({@code gru} is reset-before there too, {@code gru_lbr}
 * linear-before-reset; '_' and '-' are interchangeable). Stateless.
 */
final class CellNames {
    /** Every accepted name, for messages. */
    static final String NAMES = "lstm, lstm-peephole, lstm-cifg, gru (= gru-rb), gru-rb, gru-lbr, rnn (= rnn-tanh), rnn-tanh, rnn-relu";

    /** Option help text. */
    static final String HELP = "lstm | lstm-peephole (peepholes on i, f, o) | lstm-cifg (f = 1 - i) | gru or gru-rb (reset "
            + "before: ONNX's default, Keras reset_after=False) | gru-lbr (linear before reset: PyTorch, Keras "
            + "reset_after=True) | rnn or rnn-tanh | rnn-relu";

    private CellNames() {}

    /** @throws IllegalArgumentException naming {@code --cell}, the accepted names and {@code name} */
    static Cell parse(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "lstm": return new Cell.Lstm();
            case "lstm-peephole": return new Cell.Lstm().withAllPeepholes();
            case "lstm-cifg": return new Cell.Lstm().withCoupling(Cell.Coupling.FORGET_FROM_INPUT);
            case "gru":
            case "gru-rb": return new Cell.Gru(Cell.ResetMode.RESET_BEFORE);
            case "gru-lbr": return new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET);
            case "rnn":
            case "rnn-tanh": return new Cell.Rnn(Activation.TANH);
            case "rnn-relu": return new Cell.Rnn(Activation.RELU);
            default: throw new IllegalArgumentException("--cell: expected one of " + NAMES + " but was '" + name + "'");
        }
    }
}
