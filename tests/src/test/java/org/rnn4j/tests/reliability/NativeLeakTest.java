package org.rnn4j.tests.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.rnn4j.Backend;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Prepare, forward (full-length, ragged and, every third cycle, with a NaN in X) and close, many times over:
 * JavaCPP's live byte and object counts are back at their baseline exactly after <em>every</em> cycle, and the
 * process's resident memory stays within a stated bound.
 *
 * <p>JavaCPP counts only while its GC deallocation is on: with {@code org.bytedeco.javacpp.nopointergc=true} both
 * counters stay 0, which made an earlier version of this test (run that way, to keep the GC from freeing leaks)
 * unable to fail (reliability.md, bug 37). With the GC on, a leaked pointer would be freed at some later collection,
 * so the counts are compared after each cycle, not once at the end: everything rnn4j allocates is freed by
 * {@code close()} or its call's scope, never by the GC, so a correct cycle is exact whatever the GC does, and a leak
 * shows in every cycle that no collection happens to finish in between.
 */
class NativeLeakTest {
    static final int CYCLES = Subjects.count(10_000, 100_000);
    static final int WARM_UP = 200;
    /**
     * Resident-memory slack after warm-up (the tests module runs on a fixed, pre-touched heap, so heap growth is not
     * in it). JavaCPP's counters are exact (every native byte rnn4j allocates goes
     * through them and is freed by close()), but RSS also moves with things rnn4j does not own: glibc keeps freed
     * chunks in its per-thread arenas, oneDNN's global primitive cache (capacity 1024) and JIT code buffers grow to
     * their steady state, and the JVM's own heap and code cache fluctuate. 64 MiB covers those; a leak of even one
     * 4-KiB buffer per cycle would exceed it (10,000 × 4 KiB = 39 MiB over the CI run on top of any fluctuation is
     * the limit of what this secondary signal can see; the exact counters above are the primary check).
     */
    static final long RSS_SLACK = 64L << 20;

    @Test
    void nativeMemoryReturnsToBaselineAfterManyPrepareForwardCloseCycles() {
        assertCountersLive();
        Backend onednn = Subjects.onednn();
        List<RnnSpec> specs = List.of(Subjects.plainLstm(), Subjects.bidiGru(), Subjects.composedClipLstm(), Subjects.projectedLstm());
        List<RnnWeights> weights = specs.stream().map(s -> RnnWeights.random(s, 5)).toList();
        for (int i = 0; i < WARM_UP; i++) cycle(onednn, specs, weights, i);
        long bytes = Pointer.totalBytes();
        long count = Pointer.totalCount();
        long rss = Pointer.physicalBytes();
        long start = System.nanoTime();
        int dirty = 0;
        String first = null;
        for (int i = 0; i < CYCLES; i++) {
            cycle(onednn, specs, weights, i);
            if (Pointer.totalBytes() != bytes || Pointer.totalCount() != count) {
                if (first == null) first = "cycle " + i + " (" + specs.get(i % specs.size()).caseName() + "): bytes " + bytes
                        + " -> " + Pointer.totalBytes() + ", objects " + count + " -> " + Pointer.totalCount();
                dirty++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long rssAfter = Pointer.physicalBytes();
        System.out.printf("[reliability] leak: %d cycles in %.1f s; JavaCPP bytes %d -> %d, objects %d -> %d, RSS %d -> %d MiB%n",
                CYCLES, seconds, bytes, Pointer.totalBytes(), count, Pointer.totalCount(), rss >> 20, rssAfter >> 20);
        assertEquals(0, dirty, "cycles that ended with JavaCPP memory still live; first: " + first);
        assertTrue(rssAfter - rss <= RSS_SLACK, "resident memory grew by " + ((rssAfter - rss) >> 20) + " MiB over "
                + CYCLES + " cycles (slack " + (RSS_SLACK >> 20) + " MiB)");
    }

    /** JavaCPP's counters move with an allocation (they do not under {@code nopointergc}). */
    private static void assertCountersLive() {
        assertTrue(!Boolean.getBoolean("org.bytedeco.javacpp.nopointergc"), "JavaCPP counts nothing with nopointergc=true");
        long bytes = Pointer.totalBytes();
        long count = Pointer.totalCount();
        try (org.bytedeco.javacpp.FloatPointer p = new org.bytedeco.javacpp.FloatPointer(1000)) {
            assertEquals(bytes + 4000, Pointer.totalBytes(), "JavaCPP bytes while a 1000-float pointer lives");
            assertEquals(count + 1, Pointer.totalCount(), "JavaCPP objects while a pointer lives");
        }
        assertEquals(bytes, Pointer.totalBytes(), "JavaCPP bytes after closing it");
    }

    private static void cycle(Backend onednn, List<RnnSpec> specs, List<RnnWeights> weights, int i) {
        int s = i % specs.size();
        RnnSpec spec = specs.get(s);
        try (PreparedRnn p = onednn.prepare(spec, weights.get(s))) {
            int t = 1 + i % 5;
            int n = 1 + i % 3;
            float[] x = Subjects.data(i, t * n * spec.inputSize());
            p.forward(RnnInput.builder(x, i % 2 == 0 ? Layout.TIME_MAJOR : Layout.BATCH_MAJOR, t, n).build());
            int[] lengths = new int[n];
            for (int j = 0; j < n; j++) lengths[j] = (i + j) % (t + 1);
            p.forward(RnnInput.builder(x, Layout.TIME_MAJOR, t, n).sequenceLengths(lengths).build());
            if (i % 3 == 0) {
                // a NaN sends clipped specs down the NaN-exact composed path, built lazily: it must be freed too
                x[i % x.length] = Float.NaN;
                p.forward(RnnInput.builder(x, Layout.TIME_MAJOR, t, n).build());
            }
        }
    }
}
