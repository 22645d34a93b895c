package org.rnn4j.bench;

import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.RnnSpec;

/**
 * The benchmark shapes of issue 6: cell, batch N, steps T, input I, hidden H (one layer unless stated), and the
 * variants measured at S2's size. Immutable.
 */
public enum BenchShape {
    S1("LSTM B1 T1 256/256", new Cell.Lstm(), 1, 1, 256, 256, 1, Direction.FORWARD, false),
    S2("LSTM B64 T50 512/512", new Cell.Lstm(), 64, 50, 512, 512, 1, Direction.FORWARD, false),
    S3("LSTM B16 T25 1024/1024", new Cell.Lstm(), 16, 25, 1024, 1024, 1, Direction.FORWARD, false),
    S4("GRU-LBR B32 T100 512/512", Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET), 32, 100, 512, 512, 1, Direction.FORWARD, false),
    S5("LSTM B4 T500 256/256", new Cell.Lstm(), 4, 500, 256, 256, 1, Direction.FORWARD, false),
    S2_PEEPHOLE("S2 with peepholes", new Cell.Lstm().withAllPeepholes(), 64, 50, 512, 512, 1, Direction.FORWARD, false),
    S2_CIFG("S2 with CIFG (f = 1 - i)", new Cell.Lstm().withCoupling(Cell.Coupling.FORGET_FROM_INPUT), 64, 50, 512, 512, 1, Direction.FORWARD, false),
    S2_GRU("S2 as reset-before GRU", Cell.gru(Cell.ResetMode.RESET_BEFORE), 64, 50, 512, 512, 1, Direction.FORWARD, false),
    S2_BIDI2("S2 bidirectional, 2 layers", new Cell.Lstm(), 64, 50, 512, 512, 2, Direction.BIDIRECTIONAL_CONCAT, false),
    S2_RAGGED("S2 with lengths uniform in [1, 50]", new Cell.Lstm(), 64, 50, 512, 512, 1, Direction.FORWARD, true);

    public final String description;
    public final Cell cell;
    public final int batch;
    public final int steps;
    public final int input;
    public final int hidden;
    public final int layers;
    public final Direction direction;
    public final boolean ragged;

    BenchShape(String description, Cell cell, int batch, int steps, int input, int hidden, int layers, Direction direction, boolean ragged) {
        this.description = description;
        this.cell = cell;
        this.batch = batch;
        this.steps = steps;
        this.input = input;
        this.hidden = hidden;
        this.layers = layers;
        this.direction = direction;
        this.ragged = ragged;
    }

    public RnnSpec spec(org.rnn4j.DataType type) {
        return RnnSpec.builder(cell).inputSize(input).hiddenSize(hidden).layers(layers).direction(direction).dataType(type).build();
    }

    /** Per-sequence lengths: null, or a fixed pseudo-random draw in [1, T] with one full-length sequence. */
    public int[] lengths() {
        if (!ragged) return null;
        int[] lens = new int[batch];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int n = 0; n < batch; n++) lens[n] = 1 + r.nextInt(steps);
        lens[0] = steps;
        return lens;
    }

    /** Floating-point operations of one forward call: 2 per multiply-add of the gate products (valid steps only). */
    public double flops() {
        long validSteps = 0;
        int[] lens = lengths();
        for (int n = 0; n < batch; n++) validSteps += lens == null ? steps : lens[n];
        double total = 0;
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? input : hidden * direction.outputMultiplier();
            total += 2.0 * validSteps * cell.gateCount() * hidden * (in + hidden) * direction.count();
        }
        return total;
    }
}
