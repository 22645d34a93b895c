package org.rnn4j.onednn.composed;

import org.rnn4j.nativecommon.NativeResources;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.bytedeco.dnnl.engine;
import org.rnn4j.onednn.ShapeCache;

/**
 * The step program for one batch size N: primitives (shared, immutable, user scratchpad) and a pool of call
 * contexts. Thread-safe: contexts are taken and returned through a concurrent queue. Lifetime is managed by
 * the prepared RNN's {@link ShapeCache}: closed once it has been evicted (or the cache closed) and no run holds it.
 */
final class StepPlan implements ShapeCache.Entry {

    /** Idle call contexts kept per plan; more concurrent runs than this allocate and free their own. */
    static final int MAX_IDLE_CONTEXTS = 4;

    final int batch;
    final long hidden;
    final long state;
    final List<StepOp> ops;
    final Slot[] bound;
    final List<Slot> scratch;
    private final NativeResources scope;
    private final engine eng;
    private final InputProjection projection;
    private final ConcurrentLinkedQueue<CallContext> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final AtomicLong idleBytes = new AtomicLong();

    StepPlan(int batch, long hidden, long state, List<StepOp> ops, Slot[] bound, List<Slot> scratch, NativeResources scope,
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
            idleBytes.addAndGet(-c.bytes());
            return c;
        }
        return new CallContext(eng, this, projection);
    }

    void give(CallContext c) {
        if (idleCount.incrementAndGet() <= MAX_IDLE_CONTEXTS) {
            idleBytes.addAndGet(c.bytes()); // before it becomes visible to take(), which subtracts the same size
            idle.add(c);
        } else {
            idleCount.decrementAndGet();
            c.close();
        }
    }

    /**
     * The idle contexts' buffers: what the plan keeps between calls (a context in use is counted when its run gives
     * it back, before the run releases the plan). The primitives themselves hold little (user scratchpads).
     */
    @Override
    public long nativeBytes() { return idleBytes.get(); }

    /** Called once, when no run holds the plan. */
    @Override
    public void close() {
        for (CallContext c; (c = idle.poll()) != null; ) c.close();
        scope.close();
    }
}
