package org.rnn4j.onednn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded least-recently-used cache of native objects per call shape, with reference counts so that an entry
 * evicted while a call still uses it is closed only when that call gives it back. Thread-safe. Creation happens
 * outside the lock (primitive creation takes milliseconds); two threads racing on a new shape may both create it,
 * and the loser closes its copy.
 *
 * <p>Capacity {@value #DEFAULT_CAPACITY} by default. A server sees a handful of (batch, steps) shapes, but ragged
 * sequence lengths add one shape per distinct chunk to every call: 40–50 at S2_RAGGED (64 sequences, lengths uniform
 * in [1, 50]). An LRU smaller than one call's chunk count misses on every lookup (the chunks come in the same cyclic
 * order each call), which the first capacity, 32, did: that call ran at 1.16× the padded raw-oneDNN speed at one
 * thread and 0.90× at two; with 256 it runs at 1.65× and 1.46×. A small-shape entry costs little memory (the
 * weights are shared; the scratchpad scales with the chunk's T·N).
 */
final class ShapeCache<K, V extends AutoCloseable> implements AutoCloseable {
    static final int DEFAULT_CAPACITY = 256;

    /** A cached value with its count of users; give it back with {@link ShapeCache#release}. */
    static final class Lease<V> {
        final V value;
        private int users;
        private boolean evicted;

        private Lease(V value) { this.value = value; }
    }

    private final int capacity;
    private final LinkedHashMap<K, Lease<V>> map = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;
    private long created;

    ShapeCache(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity: expected >= 1 but was " + capacity);
        this.capacity = capacity;
    }

    /** How many values the factory has made so far (misses, including racing duplicates); for tests. */
    synchronized long created() { return created; }

    /** The entry for {@code key}, created by {@code factory} on first use; counted as in use until released. */
    Lease<V> acquire(K key, Function<K, V> factory) {
        synchronized (this) {
            if (closed) throw new IllegalStateException("shape cache closed");
            Lease<V> l = map.get(key);
            if (l != null) {
                l.users++;
                return l;
            }
        }
        V made = factory.apply(key);
        List<V> toClose = new ArrayList<>();
        Lease<V> result;
        synchronized (this) {
            created++;
            Lease<V> existing = map.get(key);
            if (existing != null || closed) {
                toClose.add(made);
                if (closed) {
                    closeAll(toClose);
                    throw new IllegalStateException("shape cache closed");
                }
                result = existing;
            } else {
                result = new Lease<>(made);
                map.put(key, result);
                Iterator<Map.Entry<K, Lease<V>>> it = map.entrySet().iterator();
                while (map.size() > capacity && it.hasNext()) {
                    Lease<V> old = it.next().getValue();
                    it.remove();
                    old.evicted = true;
                    if (old.users == 0) toClose.add(old.value);
                }
            }
            result.users++;
        }
        closeAll(toClose);
        return result;
    }

    void release(Lease<V> lease) {
        boolean close;
        synchronized (this) {
            lease.users--;
            close = lease.evicted && lease.users == 0;
        }
        if (close) closeAll(List.of(lease.value));
    }

    synchronized int size() { return map.size(); }

    /** Closes every entry; callers guarantee no lease is in use (PreparedRnn.close waits for calls). */
    @Override
    public void close() {
        List<V> toClose = new ArrayList<>();
        synchronized (this) {
            if (closed) return;
            closed = true;
            for (Lease<V> l : map.values()) toClose.add(l.value);
            map.clear();
        }
        closeAll(toClose);
    }

    private static <V extends AutoCloseable> void closeAll(List<V> values) {
        for (V v : values) {
            try {
                v.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing a cached native object failed", e);
            }
        }
    }
}
