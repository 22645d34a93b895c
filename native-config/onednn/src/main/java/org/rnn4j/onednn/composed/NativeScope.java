package org.rnn4j.onednn.composed;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.Pointer;

/**
 * Owns native objects and frees each exactly once, newest first (a primitive before the descriptors it was made
 * from). Not thread-safe: the owner serialises {@link #add} and {@link #close}; close is idempotent.
 */
final class NativeScope implements AutoCloseable {
    private final List<Pointer> owned = new ArrayList<>();
    private boolean closed;

    /**
     * Takes ownership of {@code p} and returns it. The extra reference keeps {@code p} alive past any JavaCPP
     * {@code PointerScope} open on this thread (a forward call opens one; plans and buffers built lazily inside it
     * must outlive the call).
     */
    <P extends Pointer> P add(P p) {
        p.retainReference();
        if (closed) {
            p.close();
            throw new IllegalStateException("native scope already closed");
        }
        owned.add(p);
        return p;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (int i = owned.size() - 1; i >= 0; i--) owned.get(i).close();
        owned.clear();
    }
}
