package org.rnn4j.onednn.composed;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.bytedeco.dnnl.engine;

/**
 * The step program for one batch size N: primitives (shared, immutable, user scratchpad) and a pool of call
 * contexts. Thread-safe: contexts are taken and returned through a concurrent queue. Lifetime is managed by
 * {@link PlanCache}: closed once it has been evicted (or the kernel closed) and no run holds it.
 */
final class StepPlan implements AutoCloseable {

    /** Idle call contexts kept per plan; more concurrent runs than this allocate and free their own. */
    static final int MAX_IDLE_CONTEXTS = 4;

    final int batch;
    final long hidden;
    final long state;
    final List<StepOp> ops;
    final Slot[] bound;
    final List<Slot> scratch;
    private final NativeScope scope;
    private final engine eng;
    private final InputProjection projection;
    private final ConcurrentLinkedQueue<CallContext> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    /** Guarded by the owning {@link PlanCache}. */
    int users;
    /** Guarded by the owning {@link PlanCache}. */
    boolean retired;

    StepPlan(int batch, long hidden, long state, List<StepOp> ops, Slot[] bound, List<Slot> scratch, NativeScope scope,
             engine eng, InputProjection projection) {
        this.batch = batch;
        this.hidden = hidden;
        this.state = state;
        this.ops = List.copyOf(ops);
        this.bound = bound;
        this.scratch = List.copyOf(scratch);
        this.scope = scope;
        this.eng = eng;
        this.projection = projection;
    }

    CallContext take() {
        CallContext c = idle.poll();
        if (c != null) {
            idleCount.decrementAndGet();
            return c;
        }
        return new CallContext(eng, this, projection);
    }

    void give(CallContext c) {
        if (idleCount.incrementAndGet() <= MAX_IDLE_CONTEXTS) {
            idle.add(c);
        } else {
            idleCount.decrementAndGet();
            c.close();
        }
    }

    /** Called once, when no run holds the plan. */
    @Override
    public void close() {
        for (CallContext c; (c = idle.poll()) != null; ) c.close();
        scope.close();
    }
}
