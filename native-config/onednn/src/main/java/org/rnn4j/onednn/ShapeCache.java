package org.rnn4j.onednn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Pointer;

/**
 * The native objects one prepared RNN keeps per call shape (primitives, their scratchpads, per-call buffers), in one
 * least-recently-used order, bounded both in entries and in bytes. Every cache user in a prepared RNN (the stack
 * runner, each direction kernel) shares it, so the budget bounds the whole prepared RNN and the entry evicted is the
 * one unused longest, whoever owns it. Weights are not entries: they are made at prepare and live until close.
 *
 * <p>Thread-safe. Entries are reference-counted: one evicted while a call still uses it is closed when that call
 * gives it back. Creation runs outside the lock (a primitive takes milliseconds); threads that miss on a shape
 * another thread is creating wait for it instead of creating a copy.
 *
 * <p>An entry's size may grow after creation (a pool that serves one more concurrent call allocates one more
 * context); it is re-read when a call gives the entry back, and the least recently used entries are evicted until
 * the total is within the budget again. The entry just used is never evicted for size: one shape larger than the
 * whole budget is still cached (alone), because building it again on every call would cost more than it frees.
 */
public final class ShapeCache implements AutoCloseable {

    /** A cached native object: how many bytes it holds now, and how to free them. */
    public interface Entry extends AutoCloseable {
        /** Native bytes this entry holds now (scratchpads, buffers); read under the cache's lock, so cheap. */
        long nativeBytes();

        @Override
        void close();
    }

    /**
     * Entries kept at most, whatever their size. Ragged sequence lengths make one shape per distinct chunk, which
     * the layer driver bounds by rounding batch sizes up ({@link LayerDriver#paddedRows}) and native kernels by
     * splitting steps into powers of two ({@link NativeDirectionKernel}); this cap only stops many tiny entries.
     */
    public static final int DEFAULT_CAPACITY = 1024;

    /** System property: the byte budget of each prepared RNN's shape cache, in MiB (an integer ≥ 0). */
    public static final String BUDGET_PROPERTY = "rnn4j.onednn.shapeCacheMiB";

    /**
     * Budget when {@link #BUDGET_PROPERTY} is not set, unless JavaCPP's limit is lower (see {@link #defaultBudgetMiB}).
     */
    public static final long DEFAULT_BUDGET_MIB = 512;

    /** A cached value with the caller's claim on it; give it back with {@link ShapeCache#release}. */
    public static final class Lease<V> {
        public final V value;
        private final Slot slot;

        private Lease(V value, Slot slot) {
            this.value = value;
            this.slot = slot;
        }
    }

    private record Key(Object owner, Object shape) {}

    /** One entry: value is null while its first caller creates it. Guarded by the cache. */
    private static final class Slot {
        Entry value;
        long bytes;
        int users;
        boolean evicted;
    }

    private final int capacity;
    private final long budgetBytes;
    private final LinkedHashMap<Key, Slot> map = new LinkedHashMap<>(16, 0.75f, true);
    private long totalBytes;
    private long created;
    private long evictions;
    private boolean closed;

    public ShapeCache(int capacity, long budgetBytes) {
        if (capacity < 1) throw new IllegalArgumentException("capacity: expected >= 1 but was " + capacity);
        if (budgetBytes < 0) throw new IllegalArgumentException("budgetBytes: expected >= 0 but was " + budgetBytes);
        this.capacity = capacity;
        this.budgetBytes = budgetBytes;
    }

    /** A cache with the default capacity and the budget {@link #BUDGET_PROPERTY} names, or the default budget. */
    public static ShapeCache fromSystemProperties() {
        return new ShapeCache(DEFAULT_CAPACITY, budgetMiB(System.getProperty(BUDGET_PROPERTY), Pointer.maxBytes()) << 20);
    }

    /**
     * 512 MiB, or a quarter of JavaCPP's {@code maxBytes} if that is less. JavaCPP refuses native allocations past
     * {@code maxBytes} (by default the heap's maximum, {@code -Xmx}) with an {@code OutOfMemoryError}, after
     * running the garbage collector and waiting, and the cached buffers count against it; a quarter leaves room for
     * the weights, per-call temporaries and a second prepared RNN. {@code maxBytes} ≤ 0 means no limit.
     */
    static long defaultBudgetMiB(long javacppMaxBytes) {
        return javacppMaxBytes > 0 ? Math.min(DEFAULT_BUDGET_MIB, (javacppMaxBytes >> 20) / 4) : DEFAULT_BUDGET_MIB;
    }

    /** The budget in MiB that a value of {@link #BUDGET_PROPERTY} asks for; null means the default. */
    static long budgetMiB(String value, long javacppMaxBytes) {
        if (value == null) return defaultBudgetMiB(javacppMaxBytes);
        long mib;
        try {
            mib = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            mib = -1;
        }
        if (mib < 0 || mib > Long.MAX_VALUE >> 20) {
            throw new IllegalArgumentException(BUDGET_PROPERTY + ": expected an integer number of MiB in [0, "
                    + (Long.MAX_VALUE >> 20) + "] but was \"" + value + "\"");
        }
        return mib;
    }

    /**
     * The entry {@code owner} keeps for {@code shape}, created by {@code factory} on first use; counted as in use
     * until released. Keys are compared by {@code owner} identity (owners do not override equals) and {@code shape}
     * equality. If {@code factory} throws, nothing is cached and the exception propagates.
     */
    @SuppressWarnings("unchecked")
    public <V extends Entry> Lease<V> acquire(Object owner, Object shape, Supplier<V> factory) {
        Key key = new Key(owner, shape);
        Slot slot;
        synchronized (this) {
            boolean interrupted = false;
            try {
                while (true) {
                    if (closed) throw new IllegalStateException("shape cache closed");
                    slot = map.get(key);
                    if (slot == null) break;
                    if (slot.value != null) {
                        slot.users++;
                        return new Lease<>((V) slot.value, slot);
                    }
                    try {
                        wait(); // another thread is creating this entry
                    } catch (InterruptedException e) {
                        interrupted = true; // creation is bounded; keep the interrupt for the caller
                    }
                }
            } finally {
                if (interrupted) Thread.currentThread().interrupt();
            }
            slot = new Slot();
            slot.users = 1;
            map.put(key, slot);
        }
        V made;
        try {
            made = factory.get();
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                map.remove(key, slot);
                notifyAll(); // waiters find no entry and create it themselves
            }
            throw e;
        }
        List<Entry> toClose = new ArrayList<>();
        boolean closedMeanwhile;
        synchronized (this) {
            created++;
            notifyAll();
            closedMeanwhile = closed;
            if (closedMeanwhile) {
                toClose.add(made);
            } else {
                slot.value = made;
                slot.bytes = made.nativeBytes();
                totalBytes += slot.bytes;
                evict(slot, toClose);
            }
        }
        closeAll(toClose);
        if (closedMeanwhile) throw new IllegalStateException("shape cache closed");
        return new Lease<>(made, slot);
    }

    /** Gives {@code lease} back; re-reads the entry's size and evicts down to the budget. */
    public void release(Lease<?> lease) {
        List<Entry> toClose = new ArrayList<>();
        synchronized (this) {
            Slot s = lease.slot;
            s.users--;
            if (s.evicted) {
                if (s.users == 0) toClose.add(s.value);
            } else if (!closed) {
                long now = s.value.nativeBytes();
                totalBytes += now - s.bytes;
                s.bytes = now;
                evict(s, toClose);
            }
        }
        closeAll(toClose);
    }

    /** Least recently used first, skipping {@code keep} and entries still being created. Holds the lock. */
    private void evict(Slot keep, List<Entry> toClose) {
        Iterator<Slot> it = map.values().iterator();
        while ((map.size() > capacity || totalBytes > budgetBytes) && it.hasNext()) {
            Slot s = it.next();
            if (s == keep || s.value == null) continue;
            it.remove();
            totalBytes -= s.bytes;
            s.evicted = true;
            evictions++;
            if (s.users == 0) toClose.add(s.value);
        }
    }

    /** Entries created so far (misses); for tests and reports. */
    public synchronized long created() { return created; }

    /** Entries evicted so far (for size or count); for tests and reports. */
    public synchronized long evictions() { return evictions; }

    /** Entries cached now, including ones being created. */
    public synchronized int size() { return map.size(); }

    /** Bytes the cached entries held when last weighed. */
    public synchronized long bytes() { return totalBytes; }

    /** Closes every entry; callers guarantee no lease is in use (PreparedRnn.close waits for calls). Idempotent. */
    @Override
    public void close() {
        List<Entry> toClose = new ArrayList<>();
        synchronized (this) {
            if (closed) return;
            closed = true;
            for (Slot s : map.values()) if (s.value != null) toClose.add(s.value);
            map.clear();
            totalBytes = 0;
            notifyAll();
        }
        closeAll(toClose);
    }

    /** Closes each value; the first failure is rethrown after every other value was closed. */
    private static void closeAll(List<Entry> values) {
        RuntimeException first = null;
        for (Entry v : values) {
            try {
                v.close();
            } catch (RuntimeException e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        if (first != null) throw new IllegalStateException("closing a cached native object failed", first);
    }
}
