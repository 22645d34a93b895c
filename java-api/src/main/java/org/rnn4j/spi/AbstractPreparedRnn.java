package org.rnn4j.spi;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;

/**
 * The lifetime and validation half of every {@link PreparedRnn}: input checks before any native work, many
 * concurrent {@code forward} calls, an idempotent {@code close()} that waits for them. Subclasses implement
 * {@link #compute} and {@link #release()}.
 */
public abstract class AbstractPreparedRnn implements PreparedRnn {
    private final RnnSpec spec;
    private final String backend;
    // Readers are forward calls, the single writer is close(): close waits for in-flight calls to drain.
    private final ReentrantReadWriteLock lifetime = new ReentrantReadWriteLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean released; // guarded by the write lock

    protected AbstractPreparedRnn(RnnSpec spec, String backend) {
        this.spec = spec;
        this.backend = backend;
    }

    @Override public final RnnSpec spec() { return spec; }

    @Override public final String backend() { return backend; }

    @Override
    public final RnnOutput forward(RnnInput input) {
        if (input == null) throw new NullPointerException("input");
        input.requireCompatible(spec);
        lifetime.readLock().lock();
        try {
            if (closed.get()) throw new IllegalStateException(backend + " " + spec.caseName() + ": forward after close()");
            RnnOutput out = compute(input);
            if (input.yInto() != null && out.y() != null) {
                // the backend returned Y as an array (it does not write into buffers itself): copy it over
                input.yInto().duplicate().put(out.y());
                out = new RnnOutput(null, out.hFinal(), out.cFinal(), out.layout(), out.steps(), out.batch(), out.outputSize());
            }
            return out;
        } finally {
            lifetime.readLock().unlock();
        }
    }

    /**
     * Runs one validated call; may run on many threads at once; never sees a closed handle. A backend may write Y
     * into {@link RnnInput#yInto()} itself and return {@code y = null}; if it returns an array, it is copied there.
     */
    protected abstract RnnOutput compute(RnnInput input);

    @Override
    public final void close() {
        closed.set(true);
        // Every caller, first or not, returns only once in-flight calls have drained and resources are freed:
        // whichever caller takes the write lock first releases, so no caller can return ahead of the release.
        lifetime.writeLock().lock();
        try {
            if (!released) {
                released = true;
                release();
            }
        } finally {
            lifetime.writeLock().unlock();
        }
    }

    /** Frees native resources; called exactly once, with no call in flight. */
    protected abstract void release();

    public final boolean isClosed() { return closed.get(); }
}
