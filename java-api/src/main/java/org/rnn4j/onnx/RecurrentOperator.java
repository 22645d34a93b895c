package org.rnn4j.onnx;

import java.util.List;
import org.rnn4j.Cell;
import org.rnn4j.GateOrder;

/** The three ONNX recurrent operators: their input/output slots and gate order. Immutable. */
enum RecurrentOperator {
    RNN(1, GateOrder.CANONICAL_RNN, List.of("X", "W", "R", "B", "sequence_lens", "initial_h"), List.of("Y", "Y_h")),
    LSTM(4, GateOrder.ONNX_LSTM, List.of("X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"), List.of("Y", "Y_h", "Y_c")),
    GRU(3, GateOrder.GRU_ZRN, List.of("X", "W", "R", "B", "sequence_lens", "initial_h"), List.of("Y", "Y_h"));

    static final int X = 0, W = 1, R = 2, B = 3, SEQUENCE_LENS = 4, INITIAL_H = 5, INITIAL_C = 6, P = 7;
    static final int Y = 0, Y_H = 1, Y_C = 2;

    private final int gates;
    private final GateOrder gateOrder;
    private final List<String> inputSlots;
    private final List<String> outputSlots;

    RecurrentOperator(int gates, GateOrder gateOrder, List<String> inputSlots, List<String> outputSlots) {
        this.gates = gates;
        this.gateOrder = gateOrder;
        this.inputSlots = inputSlots;
        this.outputSlots = outputSlots;
    }

    int gates() { return gates; }

    /** Order of the gate row-blocks in this operator's W, R and B. */
    GateOrder gateOrder() { return gateOrder; }

    /** ONNX names of the node's input slots, in slot order. */
    List<String> inputSlots() { return inputSlots; }

    /** ONNX names of the node's output slots, in slot order. */
    List<String> outputSlots() { return outputSlots; }

    static RecurrentOperator of(String opType, String where) {
        for (RecurrentOperator op : values()) if (op.name().equals(opType)) return op;
        throw new IllegalArgumentException(where + ": expected an RNN, LSTM or GRU node but the op_type is '" + opType + "'");
    }

    static RecurrentOperator of(Cell cell) {
        if (cell instanceof Cell.Rnn) return RNN;
        if (cell instanceof Cell.Lstm) return LSTM;
        return GRU;
    }
}
