package org.rnn4j.nativecommon;

import java.util.ArrayDeque;
import java.util.Deque;
import org.bytedeco.javacpp.Pointer;

/**
 * Owns long-lived JavaCPP pointers: {@link #keep} retains a reference (so an enclosing {@code PointerScope} cannot
 * free it) and {@link #close()} releases them in reverse order of creation, exactly once. Not thread-safe: fill it
 * on one thread (prepare), close it on one thread (release).
 */
public final class NativeResources implements AutoCloseable {
    private final Deque<Pointer> owned = new ArrayDeque<>();
    private boolean closed;

    public <P extends Pointer> P keep(P pointer) {
        if (closed) throw new IllegalStateException("native resources already closed");
        if (pointer == null) return null;
        pointer.retainReference();
        owned.push(pointer);
        return pointer;
    }

    public boolean isClosed() { return closed; }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        while (!owned.isEmpty()) {
            Pointer p = owned.pop();
            // Drops our count; at zero JavaCPP runs the deallocator (C++ destructor / free) now, not at GC.
            p.releaseReference();
        }
    }
}
