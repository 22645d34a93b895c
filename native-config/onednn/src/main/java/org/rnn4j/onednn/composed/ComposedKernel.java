package org.rnn4j.onednn.composed;

import org.rnn4j.nativecommon.NativeResources;
import java.util.List;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.NativeBackendException;
import org.rnn4j.RnnSpec;
import org.rnn4j.nativecommon.NativeErrors;
import org.rnn4j.onednn.DirectionKernel;
import org.rnn4j.onednn.ShapeCache;

/**
 * One direction of one layer of any cell, composed from oneDNN primitives: one matmul for the input projection of
 * all steps, then the cell's step program per step. Thread-safe: {@link #run} may be called concurrently (shared
 * immutable primitives with user scratchpads, per-call contexts); {@link #close()} once, after every run returned.
 */
final class ComposedKernel implements DirectionKernel {

    private final engine eng;
    private final Cell cell;
    private final List<Activation> activations;
    private final RnnSpec spec;
    private final long inputSize;
    private final long hidden;
    private final long state;
    private final long gateWidth;
    private final WeightStore weights;
    private final InputProjection projection;
    /** Step plans by batch size, in the prepared RNN's cache (or this kernel's own, when {@link #ownsPlans}). */
    private final ShapeCache plans;
    private final boolean ownsPlans;
    private final boolean nanExact;

    ComposedKernel(engine eng, RnnSpec spec, int layer, List<Activation> activations, WeightStore weights, boolean nanExact,
                   ShapeCache plans) {
        this.eng = eng;
        this.nanExact = nanExact;
        this.spec = spec;
        this.cell = spec.cell();
        this.activations = activations;
        this.inputSize = spec.layerInputSize(layer);
        this.hidden = spec.hiddenSize();
        this.state = spec.stateSize();
        this.gateWidth = (long) cell.gateCount() * hidden;
        this.weights = weights;
        this.ownsPlans = plans == null;
        // first: reading the budget property may throw, and nothing native exists yet
        this.plans = ownsPlans ? ShapeCache.fromSystemProperties() : plans;
        this.projection = new InputProjection(eng, weights, cell.gateCount(), inputSize, hidden);
    }

    private StepPlan buildPlan(int batch) {
        NativeResources scope = new NativeResources();
        try {
            OpFactory f = new OpFactory(eng, scope, weights);
            GateComposer g = new GateComposer(f, weights, spec.clip(), batch, hidden, nanExact);
            Slot[] bound = StepPrograms.build(g, cell, activations, batch, hidden, state);
            return new StepPlan(batch, hidden, state, f.ops(), bound, f.scratchSlots(), scope, eng, projection);
        } catch (RuntimeException | Error e) {
            scope.close(); // an Error too: JavaCPP's OutOfMemoryError must not strand what was built before it
            if (!(e instanceof RuntimeException r) || !NativeErrors.isNativeFailure(r)) throw e; // rnn4j's, a Java bug's or an Error keeps its type
            throw new NativeBackendException(ComposedCells.BACKEND, "creating the composed " + cell.shortName() + " step",
                    r.getMessage(), spec.caseName() + ", N=" + batch, r);
        }
    }

    /** The step's primitive calls for batch {@code n}, as {@code what=implementation} (for tests and reports). */
    List<String> stepPrimitives(int n) {
        ShapeCache.Lease<StepPlan> p = plan(n);
        try {
            return p.value.ops.stream().map(op -> op.what() + "=" + op.implementation()).toList();
        } finally {
            plans.release(p);
        }
    }

    /** The step plan for batch {@code n}, built on first use; give it back with {@code plans.release}. */
    private ShapeCache.Lease<StepPlan> plan(int n) {
        return plans.acquire(this, n, () -> buildPlan(n));
    }

    @Override
    public void run(stream s, FloatPointer x, int steps, int batch, FloatPointer h0, FloatPointer c0,
                    FloatPointer y, FloatPointer hT, FloatPointer cT) {
        boolean hasCell = cell instanceof Cell.Lstm;
        if (s == null) throw new IllegalArgumentException("stream: expected non-null");
        if (steps < 0) throw new IllegalArgumentException("steps: expected >= 0 but was " + steps);
        if (batch <= 0) throw new IllegalArgumentException("batch: expected > 0 but was " + batch);
        require("x", x, (long) steps * batch * inputSize);
        require("y", y, (long) steps * batch * state);
        require("h0", h0, (long) batch * state);
        if (hT != null) require("hT", hT, (long) batch * state);
        if (hasCell) {
            require("c0", c0, (long) batch * hidden);
            if (cT != null) require("cT", cT, (long) batch * hidden);
        }
        long hBytes = (long) batch * state * Float.BYTES;
        long cBytes = (long) batch * hidden * Float.BYTES;
        if (steps == 0) {
            if (hT != null) Pointer.memmove(new Address().at(Address.of(hT)), new Address().at(Address.of(h0)), hBytes);
            if (hasCell && cT != null) Pointer.memmove(new Address().at(Address.of(cT)), new Address().at(Address.of(c0)), cBytes);
            return;
        }
        ShapeCache.Lease<StepPlan> lease = plan(batch);
        StepPlan plan = lease.value;
        CallContext ctx;
        try {
            ctx = plan.take();
        } catch (RuntimeException | Error e) {
            plans.release(lease); // or a plan evicted later would never be closed
            throw e;
        }
        try {
            long xw = ctx.xw((long) steps * batch * gateWidth);
            projection.run(s, (long) steps * batch, Address.of(x), xw, ctx.projectionScratchpad);
            ctx.checkProjectionScratchpad((long) steps * batch);
            long yBase = Address.of(y);
            long hPrev = Address.of(h0);
            if (overlaps(hPrev, hBytes, yBase, hBytes * steps)) {
                Pointer.memmove(new Address().at(ctx.hSpare), new Address().at(hPrev), hBytes);
                hPrev = ctx.hSpare;
            }
            // c ping-pongs between two buffers, chosen so that the last step writes straight into cT
            long cLast = hasCell && cT != null ? Address.of(cT) : ctx.cSpareA;
            long cOther = ctx.cSpareB;
            long cPrev = hasCell ? Address.of(c0) : 0;
            long cFirst = (steps - 1) % 2 == 0 ? cLast : cOther;
            if (hasCell && overlaps(cPrev, cBytes, cFirst, cBytes)) {
                long copy = cFirst == cLast ? cOther : ctx.cSpareA;
                Pointer.memmove(new Address().at(copy), new Address().at(cPrev), cBytes);
                cPrev = copy;
            }
            long stepBytes = (long) batch * hidden * Float.BYTES;
            long gateBytes = steps * stepBytes;
            for (int t = 0; t < steps; t++) {
                long hOut = yBase + t * hBytes;
                ctx.bind(StepPrograms.H_PREV, hPrev);
                ctx.bind(StepPrograms.H_OUT, hOut);
                long cNext = (steps - 1 - t) % 2 == 0 ? cLast : cOther;
                if (hasCell) {
                    ctx.bind(StepPrograms.C_PREV, cPrev);
                    ctx.bind(StepPrograms.C_NEXT, cNext);
                }
                for (int k = 0; k < cell.gateCount(); k++) {
                    ctx.bind(StepPrograms.XW + k, xw + k * gateBytes + t * stepBytes);
                }
                ctx.step(s);
                hPrev = hOut;
                cPrev = cNext;
            }
            s._wait();
            if (hT != null) Pointer.memmove(new Address().at(Address.of(hT)), new Address().at(hPrev), hBytes);
        } catch (RuntimeException e) {
            if (!NativeErrors.isNativeFailure(e)) throw e;
            throw new NativeBackendException(ComposedCells.BACKEND, "running the composed " + cell.shortName() + " steps",
                    e.getMessage(), spec.caseName() + ", T=" + steps + ", N=" + batch, e);
        } finally {
            plan.give(ctx);
            plans.release(lease);
        }
    }

    private static boolean overlaps(long a, long aBytes, long b, long bBytes) {
        return a < b + bBytes && b < a + aBytes;
    }

    private static void require(String name, FloatPointer p, long floats) {
        if (p == null || p.isNull()) throw new IllegalArgumentException(name + ": expected a pointer to " + floats + " floats but was null");
        long limit = p.limit();
        if (limit > 0 && limit - p.position() < floats) {
            throw new IllegalArgumentException(name + ": expected at least " + floats + " floats after position "
                    + p.position() + " but the pointer holds " + (limit - p.position()));
        }
    }

    /** Frees the weights, and the plans if the cache is this kernel's own (a shared one is closed by its owner first). */
    @Override
    public void close() {
        if (ownsPlans) plans.close();
        projection.close();
        weights.close();
    }
}
