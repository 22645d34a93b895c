package org.rnn4j.cudnn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.rnn4j.Cell;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Throughput of one prepared RNN shared by 1, 2, 4 and 8 threads, the way an inference server calls it: each
 * {@code forward} takes its own pooled context (handle, stream, buffers), so calls of different threads may overlap on
 * the GPU and in their host staging. Calls per second over a fixed time per thread count (after a warm-up that also
 * grows the pool), host to host, f32, native LSTM at S1 (batch 1, one step, latency-bound) and S2 (64 × 50, 512).
 * Used by {@link GpuSelfCheck} only.
 */
final class ConcurrencyBench {
    private ConcurrencyBench() {}

    /** The table's header. */
    static final String HEADER = "threads | shape | calls/s | × 1 thread";

    /** Prints {@link #HEADER}, then a row per shape and thread count. */
    static void run(CudnnBackend cudnn, boolean smoke) {
        System.out.println(HEADER);
        table(cudnn, smoke, System.out::println);
    }

    /** The rows; {@code smoke}: tiny shapes, 1 and 2 threads, 0.1 s each (a rehearsal on the host CUDA stand-in). */
    static void table(CudnnBackend cudnn, boolean smoke, Consumer<String> out) {
        Object[][] shapes = {{"S1", 1, 1, 256}, {"S2", 64, 50, 512}};
        int[] threadCounts = smoke ? new int[] {1, 2} : new int[] {1, 2, 4, 8};
        long nanos = smoke ? 100_000_000L : 1_000_000_000L;
        for (Object[] s : shapes) {
            int batch = smoke ? Math.min((int) s[1], 2) : (int) s[1];
            int steps = smoke ? Math.min((int) s[2], 3) : (int) s[2];
            int hidden = smoke ? 8 : (int) s[3];
            RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(hidden).hiddenSize(hidden).build();
            RnnInput in = RnnInput.of(GpuSelfCheck.uniform(new SplittableRandom(1), batch * steps * hidden), steps, batch);
            try (PreparedRnn rnn = cudnn.prepare(spec, RnnWeights.random(spec, 1))) {
                double single = 0;
                for (int threads : threadCounts) {
                    callsPerSecond(rnn, in, threads, nanos / 5); // warm-up: the pool grows to this many contexts
                    double rate = callsPerSecond(rnn, in, threads, nanos);
                    if (threads == 1) single = rate;
                    out.accept(String.format(Locale.ROOT, "%d | %s | %.0f | %.2f", threads, s[0], rate, rate / single));
                }
            }
        }
    }

    /** Every thread calls {@code forward} until the deadline; the total number of calls over the time taken. */
    private static double callsPerSecond(PreparedRnn rnn, RnnInput in, int threads, long nanos) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Long>> counts = new ArrayList<>();
            long[] begin = new long[1];
            for (int t = 0; t < threads; t++) {
                counts.add(pool.submit(() -> {
                    start.await();
                    long t0 = System.nanoTime();
                    synchronized (begin) {
                        if (begin[0] == 0 || t0 < begin[0]) begin[0] = t0;
                    }
                    long calls = 0;
                    do { // at least one call, however late this thread is scheduled
                        rnn.forward(in);
                        calls++;
                    } while (System.nanoTime() - t0 < nanos);
                    return calls;
                }));
            }
            long total = 0;
            for (Future<Long> f : counts) total += f.get();
            double seconds = (System.nanoTime() - begin[0]) / 1e9;
            return total / seconds;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a benchmark thread failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
