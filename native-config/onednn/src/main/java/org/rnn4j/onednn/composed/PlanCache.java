package org.rnn4j.onednn.composed;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Step plans by batch size, least recently used first, at most {@link #MAX_PLANS}. Thread-safe (one lock, never held
 * while primitives are created). A plan evicted while runs hold it is closed when the last of them releases it.
 */
final class PlanCache implements AutoCloseable {

    /**
     * Distinct batch sizes whose primitives are kept; one more evicts the least recently used. Ragged lengths make
     * every chunk of a call a new batch size (up to one per sequence), so the cache must hold a whole call's worth:
     * an LRU smaller than that misses on every lookup and rebuilds the step program each time.
     */
    static final int MAX_PLANS = 64;

    private final Map<Integer, StepPlan> plans = new LinkedHashMap<>(16, 0.75f, true);
    private final IntFunction<StepPlan> builder;
    private boolean closed;

    PlanCache(IntFunction<StepPlan> builder) {
        this.builder = builder;
    }

    /** The plan for batch {@code n}, held until {@link #release}. */
    StepPlan acquire(int n) {
        synchronized (this) {
            if (closed) throw new IllegalStateException("composed-cell kernel is closed");
            StepPlan p = plans.get(n);
            if (p != null) {
                p.users++;
                return p;
            }
        }
        StepPlan made = builder.apply(n);
        List<StepPlan> toClose = new ArrayList<>();
        StepPlan result;
        synchronized (this) {
            StepPlan existing = closed ? null : plans.get(n);
            if (closed) {
                made.close();
                throw new IllegalStateException("composed-cell kernel is closed");
            }
            if (existing != null) {
                toClose.add(made);
                result = existing;
            } else {
                plans.put(n, made);
                result = made;
                for (Iterator<StepPlan> it = plans.values().iterator(); plans.size() > MAX_PLANS && it.hasNext(); ) {
                    StepPlan old = it.next();
                    it.remove();
                    old.retired = true;
                    if (old.users == 0) toClose.add(old);
                }
            }
            result.users++;
        }
        toClose.forEach(StepPlan::close);
        return result;
    }

    void release(StepPlan p) {
        boolean close;
        synchronized (this) {
            p.users--;
            close = p.retired && p.users == 0;
        }
        if (close) p.close();
    }

    /** Closes every plan; the caller guarantees no run is in flight. Idempotent. */
    @Override
    public void close() {
        List<StepPlan> all;
        synchronized (this) {
            if (closed) return;
            closed = true;
            all = new ArrayList<>(plans.values());
            plans.clear();
            all.forEach(p -> p.retired = true);
        }
        all.forEach(StepPlan::close);
    }
}
