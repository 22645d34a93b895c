package org.rnn4j.onednn.composed;

import java.util.List;

import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.Gate;

/**
 * The primitive sequence of one time step for each cell kind, given the per-step slots. Stateless.
 *
 * <p>Bound slots (re-pointed every step): {@link #H_PREV} {@code h_{t-1} [N,S]}, {@link #H_OUT} {@code y[t] [N,S]}
 * (which is also next step's {@code h}), {@link #C_PREV}/{@link #C_NEXT} {@code [N,H]}, and {@code XW + k} the
 * step's dense slice {@code [N,H]} of the input projection for gate {@code k} in canonical order (xW is stored
 * gate-major, {@code [G, T·N, H]}, because a strided binary post-op operand drops matmul to oneDNN's reference
 * implementation).
 */
final class StepPrograms {

    static final int H_PREV = 0;
    static final int H_OUT = 1;
    static final int C_PREV = 2;
    static final int C_NEXT = 3;
    static final int XW = 4;

    private StepPrograms() { }

    /** Builds the step program for {@code cell} into {@code g}'s factory; returns the bound slots by index. */
    static Slot[] build(GateComposer g, Cell cell, List<Activation> acts, long n, long hidden, long state) {
        OpFactory f = g.factory();
        int gates = cell.gateCount();
        Slot[] bound = new Slot[XW + gates];
        bound[H_PREV] = f.bound("h_prev", H_PREV, n, state, state);
        bound[H_OUT] = f.bound("h_out", H_OUT, n, state, state);
        for (int k = 0; k < gates; k++) bound[XW + k] = f.bound("xw" + k, XW + k, n, hidden, hidden);
        if (cell instanceof Cell.Lstm lstm) {
            bound[C_PREV] = f.bound("c_prev", C_PREV, n, hidden, hidden);
            bound[C_NEXT] = f.bound("c_next", C_NEXT, n, hidden, hidden);
            lstm(g, lstm, acts, bound, n, hidden);
        } else if (cell instanceof Cell.Gru gru) {
            gru(g, gru, acts, bound, n, hidden);
        } else {
            g.gate("rnn", bound[H_PREV], "R.0", null, List.of(), bound[XW], null, null, acts.get(0), bound[H_OUT], List.of());
        }
        return bound;
    }

    /**
     * Gate order i, g, f, o so that the forget gate's primitive can finish the cell update in its post-ops
     * ({@code c' = f⊙c + (i⊙g)}), and the output gate (whose peephole sees c') comes after it.
     */
    private static void lstm(GateComposer g, Cell.Lstm cell, List<Activation> acts, Slot[] b, long n, long hidden) {
        OpFactory f = g.factory();
        Activation gateAct = acts.get(0);
        Activation candidateAct = acts.get(1);
        Activation cellAct = acts.get(2);
        Slot hPrev = b[H_PREV];
        Slot cPrev = b[C_PREV];
        Slot cNext = b[C_NEXT];
        Slot input = f.scratch("i", n, hidden);
        Slot forget = null;
        if (cell.coupling() == Cell.Coupling.INPUT_FROM_FORGET) {
            forget = f.scratch("f", n, hidden);
            g.gate("f", hPrev, "R.1", null, List.of(), b[XW + 1], peepholeCell(cell, Gate.FORGET, cPrev), "peep.f",
                    gateAct, forget, List.of());
            f.eltwise("i=1-f", algorithm.eltwise_linear, -1, 1, forget, input, List.of());
        } else {
            g.gate("i", hPrev, "R.0", null, List.of(), b[XW], peepholeCell(cell, Gate.INPUT, cPrev), "peep.i",
                    gateAct, input, List.of());
        }
        Slot inputTimesCandidate = f.scratch("i*g", n, hidden);
        g.gate("g", hPrev, "R.2", null, List.of(), b[XW + 2], null, null, candidateAct, inputTimesCandidate,
                List.of(PostOp.mul(input)));
        List<PostOp> cellUpdate = List.of(PostOp.mul(cPrev), PostOp.add(inputTimesCandidate));
        switch (cell.coupling()) {
            case NONE:
                g.gate("f", hPrev, "R.1", null, List.of(), b[XW + 1], peepholeCell(cell, Gate.FORGET, cPrev), "peep.f",
                        gateAct, cNext, cellUpdate);
                break;
            case FORGET_FROM_INPUT:
                f.eltwise("f=1-i", algorithm.eltwise_linear, -1, 1, input, cNext, cellUpdate);
                break;
            default:
                f.binary("f*c", algorithm.binary_mul, forget, cPrev, cNext, List.of(PostOp.add(inputTimesCandidate)));
        }
        Slot output = f.scratch("o", n, hidden);
        g.gate("o", hPrev, "R.3", null, List.of(), b[XW + 3], peepholeCell(cell, Gate.OUTPUT, cNext), "peep.o",
                gateAct, output, List.of());
        Slot hFull = cell.hasProjection() ? f.scratch("h_full", n, hidden) : b[H_OUT];
        g.activate("h", cellAct, cNext, hFull, List.of(PostOp.mul(output)));
        if (cell.hasProjection()) f.matmul("projection", hFull, "P", null, b[H_OUT], List.of());
    }

    private static Slot peepholeCell(Cell.Lstm cell, Gate gate, Slot c) {
        return cell.hasPeephole(gate) ? c : null;
    }

    /**
     * {@code h' = (1−z)⊙n + z⊙h}, computed as {@code n + z⊙(h − n)} by one binary primitive with post-ops (the same
     * for finite values), and term by term in NaN-exact mode.
     */
    private static void gru(GateComposer g, Cell.Gru cell, List<Activation> acts, Slot[] b, long n, long hidden) {
        OpFactory f = g.factory();
        Activation gateAct = acts.get(0);
        Activation candidateAct = acts.get(1);
        Slot hPrev = b[H_PREV];
        Slot update = f.scratch("z", n, hidden);
        Slot candidate = f.scratch("n", n, hidden);
        g.gate("z", hPrev, "R.0", null, List.of(), b[XW], null, null, gateAct, update, List.of());
        if (cell.resetMode() == Cell.ResetMode.RESET_BEFORE) {
            Slot resetState = f.scratch("r*h", n, hidden);
            g.gate("r", hPrev, "R.1", null, List.of(), b[XW + 1], null, null, gateAct, resetState, List.of(PostOp.mul(hPrev)));
            g.gate("n", resetState, "R.2", null, List.of(), b[XW + 2], null, null, candidateAct, candidate, List.of());
        } else {
            Slot reset = f.scratch("r", n, hidden);
            g.gate("r", hPrev, "R.1", null, List.of(), b[XW + 1], null, null, gateAct, reset, List.of());
            g.gate("n", hPrev, "R.2", f.row("Rb.n"), List.of(PostOp.mul(reset)), b[XW + 2], null, null, candidateAct,
                    candidate, List.of());
        }
        if (g.nanExact()) {
            // the reference's (1−z)⊙n + z⊙h term by term: with an unbounded gate activation z can be ±∞, and then
            // n + z⊙(h − n) gives ±∞ where (1−z)⊙n + z⊙h gives NaN (and the other way round for n = ±∞, z = 0)
            Slot keep = f.scratch("z*h", n, hidden);
            f.binary("z*h", algorithm.binary_mul, update, hPrev, keep, List.of());
            f.eltwise("blend", algorithm.eltwise_linear, -1, 1, update, b[H_OUT],
                    List.of(PostOp.mul(candidate), PostOp.add(keep)));
            return;
        }
        f.binary("blend", algorithm.binary_sub, hPrev, candidate, b[H_OUT],
                List.of(PostOp.mul(update), PostOp.add(candidate)));
    }
}
