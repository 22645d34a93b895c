package org.rnn4j.cudnn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;

/**
 * Per-call device contexts (stream, library handle, scratch buffers) of one prepared RNN: a call takes an idle one or
 * creates one, and gives it back; the pool grows to the peak concurrency. Thread-safe; {@link #closeAll} runs once,
 * after the last call (the prepared RNN's close waits for in-flight calls).
 */
final class ContextPool<C extends AutoCloseable> {
    private final Supplier<C> factory;
    private final ConcurrentLinkedDeque<C> idle = new ConcurrentLinkedDeque<>();
    private final List<C> all = new ArrayList<>(); // guarded by itself

    ContextPool(Supplier<C> factory) { this.factory = factory; }

    C take() {
        C c = idle.poll();
        if (c != null) return c;
        c = factory.get();
        synchronized (all) {
            all.add(c);
        }
        return c;
    }

    void give(C c) { idle.push(c); }

    /** Closes every context ever created; a failing close does not stop the others. */
    void closeAll() {
        synchronized (all) {
            for (C c : all) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // freeing device resources at close: nothing a caller could do with the failure
                }
            }
            all.clear();
        }
        idle.clear();
    }
}
