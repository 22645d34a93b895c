package org.rnn4j.cudnn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.rnn4j.Availability;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * A child JVM of {@link HostCudaTest}, on a stand-in with two devices ({@code RNN4J_HOSTCUDA_DEVICES=2}): the
 * scenarios that need a second GPU, each reported as one line like {@link HostCudaRun}'s.
 */
public final class HostCudaTwoDevices {
    private HostCudaTwoDevices() {}

    /**
     * With {@code -Drnn4j.cudnn.device=1}, in a fresh JVM: 4 threads prepare native RNNs at the same moment as the
     * process's first cuDNN use (the stand-in reports a cudnnCreate that overlaps the first one), a composed RNN is
     * prepared and run on another thread, and all of them are closed on a thread that never made device 1 current
     * (the stand-in reports a free, destroy or unload while device 0 is current).
     */
    public static void main(String[] args) throws Exception {
        System.setProperty(ProbeFacts.DEVICE_PROPERTY, "1");
        CudnnBackend cudnn = new CudnnBackend();
        Availability a = cudnn.probe();
        System.out.println("PROBE\t" + a.available() + "\t" + a);
        if (!a.available()) System.exit(2);
        List<PreparedRnn> prepared = java.util.Collections.synchronizedList(new ArrayList<>());
        RnnSpec lstm = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(5).layers(2).direction(Direction.BIDIRECTIONAL_CONCAT).build();
        RnnSpec gru = RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(4).hiddenSize(3).build();
        HostCudaRun.check("4 threads prepare and run as the process's first cuDNN use", lstm, () -> {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(4);
                List<Future<Double>> results = new ArrayList<>();
                for (int thread = 0; thread < 4; thread++) {
                    RnnSpec spec = thread % 2 == 0 ? lstm : gru;
                    int seed = thread;
                    results.add(pool.submit(() -> {
                        RnnWeights w = RnnWeights.random(spec, seed);
                        start.await();
                        PreparedRnn p = cudnn.prepare(spec, w);
                        prepared.add(p);
                        RnnInput in = HostCudaRun.input(spec, 4, 3, seed);
                        return HostCudaRun.compare("thread " + seed, spec, w, in, p.forward(in), 4);
                    }));
                }
                double worst = 0;
                for (Future<Double> f : results) worst = Math.max(worst, f.get());
                return worst;
            } finally {
                pool.shutdown();
            }
        });
        RnnSpec peepholes = RnnSpec.builder(new Cell.Lstm().withAllPeepholes()).inputSize(3).hiddenSize(4)
                .direction(Direction.REVERSE).build();
        HostCudaRun.check("a composed RNN prepared and run on another thread", peepholes, () -> {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                return pool.submit(() -> {
                    RnnWeights w = RnnWeights.random(peepholes, 9);
                    PreparedRnn p = cudnn.prepare(peepholes, w);
                    prepared.add(p);
                    RnnInput in = HostCudaRun.input(peepholes, 5, 2, 9);
                    return HostCudaRun.compare("composed", peepholes, w, in, p.forward(in), 5);
                }).get();
            } finally {
                pool.shutdown();
            }
        });
        HostCudaRun.check("a backend per GPU: device 0 (onDevice) and device 1 (the property) in one process, calls interleaved", gru, () -> {
            CudnnBackend first = CudnnBackend.onDevice(0);
            if (!first.probe().available()) throw new AssertionError("device 0: " + first.probe());
            RnnWeights w0 = RnnWeights.random(gru, 20);
            RnnWeights w1 = RnnWeights.random(gru, 21);
            double worst = 0;
            try (PreparedRnn p0 = first.prepare(gru, w0); PreparedRnn p1 = cudnn.prepare(gru, w1)) {
                for (int i = 0; i < 3; i++) {
                    RnnInput in = HostCudaRun.input(gru, 3 + i, 2, 40 + i);
                    worst = Math.max(worst, HostCudaRun.compare("device 0, call " + i, gru, w0, in, p0.forward(in), 3 + i));
                    worst = Math.max(worst, HostCudaRun.compare("device 1, call " + i, gru, w1, in, p1.forward(in), 3 + i));
                }
            }
            return worst;
        });
        HostCudaRun.check("every RNN closed on a thread that never made device 1 current", lstm, () -> {
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread closer = new Thread(() -> {
                for (PreparedRnn p : prepared) {
                    try {
                        p.close();
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }
            });
            closer.start();
            closer.join();
            if (!failures.isEmpty()) throw new AssertionError("close failed: " + failures);
            if (prepared.size() != 5) throw new AssertionError(prepared.size() + " RNNs prepared, expected 5");
            return prepared.size();
        });
        System.out.flush();
    }
}
