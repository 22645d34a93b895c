package org.rnn4j.onednn.composed;

import org.bytedeco.dnnl.memory;

/**
 * A 2-D f32 tensor role in one time step ({@code [rows, cols]}, row stride {@code rowStride}, unit column stride).
 * Immutable after its plan is built; shared by every call context of that plan.
 */
final class Slot {

    /** Where a slot's bytes come from. */
    enum Kind {
        /** Weights or bias prepared once; the same oneDNN memory object in every context. */
        CONSTANT,
        /** Caller data or the xW projection, re-pointed every step ({@link #bound(int)} index). */
        BOUND,
        /** Per-context scratch buffer of {@code rows × cols} floats. */
        SCRATCH
    }

    final String name;
    final Kind kind;
    final memory.desc desc;
    final long rows;
    final long cols;
    /** CONSTANT only. */
    final memory constant;
    /** BOUND only: which per-step address this slot takes (see {@link StepPlan}). */
    final int boundIndex;

    private Slot(String name, Kind kind, memory.desc desc, long rows, long cols, memory constant, int boundIndex) {
        this.name = name;
        this.kind = kind;
        this.desc = desc;
        this.rows = rows;
        this.cols = cols;
        this.constant = constant;
        this.boundIndex = boundIndex;
    }

    static Slot constant(String name, memory m, memory.desc desc) {
        return new Slot(name, Kind.CONSTANT, desc, 0, 0, m, -1);
    }

    static Slot bound(String name, int index, memory.desc desc, long rows, long cols) {
        return new Slot(name, Kind.BOUND, desc, rows, cols, null, index);
    }

    static Slot scratch(String name, memory.desc desc, long rows, long cols) {
        return new Slot(name, Kind.SCRATCH, desc, rows, cols, null, -1);
    }

    @Override
    public String toString() { return name; }
}
