package org.rnn4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * A server that sees every T from 1 to 256 (LSTM 256 → 256, N = 16, full length, Y only), swept {@code -Drounds}
 * times on one prepared RNN: resident memory, JavaCPP-tracked native bytes and heap after each sweep, and after
 * close. Linux only (reads /proc/self/status). Results: docs/benchmarks.md.
 */
public final class ShapeMemory {
    private ShapeMemory() {}

    static long rssMiB() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
        return -1;
    }
    public static void main(String[] a) throws Exception {
        int n = 16, h = 256, maxT = 256;
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm()).inputSize(h).hiddenSize(h).build();
        try (PreparedRnn p = Backends.select("onednn").prepare(spec, RnnWeights.random(spec, 1))) {
            long before = rssMiB();
            long t0 = System.nanoTime();
            for (int round = 0; round < Integer.getInteger("rounds", 2); round++) {
                for (int t = 1; t <= maxT; t++) p.forward(RnnInput.builder(new float[t * n * h], Layout.TIME_MAJOR, t, n).build());
                System.gc(); System.out.printf("round %d: RSS %d MiB (+%d since prepare), JavaCPP-tracked %d MiB, heap used %d MiB, %.1f s%n", round, rssMiB(), rssMiB() - before, org.bytedeco.javacpp.Pointer.totalBytes() >> 20, (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20, (System.nanoTime() - t0) / 1e9);
            }
        }
        System.out.printf("after close: RSS %d MiB%n", rssMiB());
    }
}
