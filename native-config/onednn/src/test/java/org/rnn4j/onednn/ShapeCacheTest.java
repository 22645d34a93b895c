package org.rnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The shape cache's bookkeeping, with plain Java entries whose size and closing the test controls. */
class ShapeCacheTest {
    private static final Object OWNER = new Object();
    private final List<String> closed = Collections.synchronizedList(new ArrayList<>());

    /** An entry of {@code bytes} (changeable) that records its closing. */
    private final class Fake implements ShapeCache.Entry {
        final String name;
        final AtomicLong bytes;

        Fake(String name, long bytes) {
            this.name = name;
            this.bytes = new AtomicLong(bytes);
        }

        @Override public long nativeBytes() { return bytes.get(); }

        @Override public void close() { closed.add(name); }
    }

    private ShapeCache.Lease<Fake> take(ShapeCache cache, String name, long bytes) {
        return cache.acquire(OWNER, name, () -> new Fake(name, bytes));
    }

    private void use(ShapeCache cache, String name, long bytes) {
        cache.release(take(cache, name, bytes));
    }

    @Test
    void evictsTheLeastRecentlyUsedEntryAndClosesItOnlyWhenUnused() {
        ShapeCache cache = new ShapeCache(2, Long.MAX_VALUE);
        ShapeCache.Lease<Fake> held = take(cache, "1", 0);
        use(cache, "2", 0);
        use(cache, "3", 0); // evicts 1, still held
        assertEquals(List.of(), closed);
        cache.release(held);
        assertEquals(List.of("1"), closed);
        use(cache, "2", 0); // 2 is now the most recent: the next entry evicts 3
        use(cache, "4", 0);
        assertEquals(List.of("1", "3"), closed);
        cache.close();
        cache.close();
        assertEquals(4, closed.size(), "close frees every entry once: " + closed);
    }

    @Test
    void keepsTheTotalWithinTheByteBudget() {
        ShapeCache cache = new ShapeCache(100, 1000);
        use(cache, "a", 400);
        use(cache, "b", 400);
        assertEquals(800, cache.bytes());
        use(cache, "c", 400); // 1200 > 1000: a goes
        assertEquals(List.of("a"), closed);
        assertEquals(800, cache.bytes());
        assertEquals(2, cache.size());
        use(cache, "b", 400); // b is now more recent than c
        use(cache, "d", 300); // 1100: c goes
        assertEquals(List.of("a", "c"), closed);
        assertEquals(700, cache.bytes());
        assertEquals(2, cache.evictions());
    }

    @Test
    void anEntryThatGrowsDuringACallIsWeighedAgainWhenGivenBack() {
        ShapeCache cache = new ShapeCache(100, 1000);
        use(cache, "a", 300);
        ShapeCache.Lease<Fake> b = take(cache, "b", 300);
        b.value.bytes.set(800); // a second concurrent context, say
        assertEquals(List.of(), closed, "sizes are re-read on release, not while the call runs");
        cache.release(b);
        assertEquals(List.of("a"), closed);
        assertEquals(800, cache.bytes());
    }

    @Test
    void anEntryLargerThanTheBudgetStaysCachedAlone() {
        ShapeCache cache = new ShapeCache(100, 1000);
        use(cache, "small", 10);
        use(cache, "huge", 5000);
        assertEquals(List.of("small"), closed);
        assertEquals(1, cache.size());
        long made = cache.created();
        use(cache, "huge", 5000);
        assertEquals(made, cache.created(), "the huge shape is reused, not rebuilt on every call");
    }

    @Test
    void aZeroBudgetKeepsOnlyTheLastShape() {
        ShapeCache cache = new ShapeCache(100, 0);
        use(cache, "a", 1);
        use(cache, "b", 1);
        use(cache, "c", 1);
        assertEquals(List.of("a", "b"), closed);
        assertEquals(1, cache.size());
    }

    @Test
    void ownersDoNotShareEntries() {
        ShapeCache cache = new ShapeCache(100, Long.MAX_VALUE);
        Object other = new Object();
        ShapeCache.Lease<Fake> mine = cache.acquire(OWNER, 7, () -> new Fake("mine", 1));
        ShapeCache.Lease<Fake> theirs = cache.acquire(other, 7, () -> new Fake("theirs", 1));
        assertEquals("mine", mine.value.name);
        assertEquals("theirs", theirs.value.name);
        cache.release(mine);
        cache.release(theirs);
        assertEquals(2, cache.size());
    }

    @Test
    void concurrentMissesOnOneShapeCreateItOnce() throws Exception {
        ShapeCache cache = new ShapeCache(100, Long.MAX_VALUE);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger factoryCalls = new AtomicInteger();
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            threads.add(new Thread(() -> {
                ShapeCache.Lease<Fake> l = cache.acquire(OWNER, "s", () -> {
                    factoryCalls.incrementAndGet();
                    await(finish);
                    return new Fake("s", 1);
                });
                got.add(l.value.name);
                cache.release(l);
            }));
        }
        threads.forEach(Thread::start);
        // every thread is parked: one in the factory, the others waiting for it (without single-flight creation,
        // all four would be parked in the factory)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!threads.stream().allMatch(ShapeCacheTest::parked) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        finish.countDown();
        for (Thread t : threads) t.join(10_000);
        assertEquals(List.of("s", "s", "s", "s"), got);
        assertEquals(1, factoryCalls.get(), "one creation, the other threads waited for it");
        assertEquals(1, cache.created());
        assertEquals(List.of(), closed, "no duplicate was made and thrown away");
    }

    @Test
    void aFailedCreationCachesNothingAndTheNextCallTriesAgain() {
        ShapeCache cache = new ShapeCache(100, Long.MAX_VALUE);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cache.acquire(OWNER, "s", () -> { throw new IllegalStateException("no primitive"); }));
        assertEquals("no primitive", e.getMessage());
        assertEquals(0, cache.size());
        use(cache, "s", 1);
        assertEquals(1, cache.created());
    }

    @Test
    void aClosedCacheRefusesNewCalls() {
        ShapeCache cache = new ShapeCache(100, Long.MAX_VALUE);
        cache.close();
        assertThrows(IllegalStateException.class, () -> take(cache, "a", 1));
    }

    @Test
    void theBudgetPropertyIsAWholeNumberOfMiB() {
        long gib = 1L << 30;
        assertEquals(ShapeCache.DEFAULT_BUDGET_MIB, ShapeCache.budgetMiB(null, 4 * gib));
        assertEquals(128, ShapeCache.budgetMiB(null, gib / 2), "a quarter of JavaCPP's limit when that is less");
        assertEquals(ShapeCache.DEFAULT_BUDGET_MIB, ShapeCache.budgetMiB(null, 0), "maxBytes 0: JavaCPP sets no limit");
        assertEquals(0, ShapeCache.budgetMiB("0", gib));
        assertEquals(2048, ShapeCache.budgetMiB(" 2048 ", gib), "an explicit budget wins");
        for (String bad : new String[] {"-1", "1.5", "lots", "", String.valueOf(Long.MAX_VALUE)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShapeCache.budgetMiB(bad, gib));
            assertTrue(e.getMessage().startsWith(ShapeCache.BUDGET_PROPERTY + ": expected an integer number of MiB"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("but was \"" + bad + "\""), e.getMessage());
        }
    }

    private static boolean parked(Thread t) {
        return t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
