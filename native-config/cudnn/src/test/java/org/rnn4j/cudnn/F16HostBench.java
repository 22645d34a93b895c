package org.rnn4j.cudnn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The host side of moving one F16 tensor between a caller's float array and the staging buffer, both ways the native
 * path has done it (one thread, side by side in one run, median of 15 after 5 warm-ups):
 * <ul>
 *   <li><b>java half</b> (until the eighth session): each element converted by {@link Half} in a Java loop, halves
 *       written to / read from the buffer;
 *   <li><b>floats</b> (since the ninth session): one bulk copy of the floats; the GPU converts them
 *       (half.cu), at the price of twice the bytes over PCIe.
 * </ul>
 * A direct buffer stands in for the pinned one. Run: {@code java -cp <test classpath> org.rnn4j.cudnn.F16HostBench};
 * results in benchmarks/results/cudnn-f16-host-conversion.txt.
 */
public final class F16HostBench {
    private F16HostBench() {}

    public static void main(String[] args) {
        System.out.println("java " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.arch") + "; one thread; median ms of 15");
        System.out.println("elements | to buffer: java half ms | floats ms | ratio | from buffer: java half ms | floats ms | ratio");
        for (int count : new int[] {256, 50 * 64 * 512, 25 * 16 * 1024, 100 * 64 * 1024}) run(count);
    }

    private static void run(int count) {
        float[] x = new float[count];
        SplittableRandom random = new SplittableRandom(count);
        for (int i = 0; i < count; i++) x[i] = (float) random.nextDouble(-3, 3);
        ByteBuffer buffer = ByteBuffer.allocateDirect(4 * count).order(ByteOrder.nativeOrder());
        ShortBuffer halves = buffer.asShortBuffer();
        FloatBuffer floats = buffer.asFloatBuffer();
        float[] out = new float[count];
        double[][] ms = new double[4][15];
        double sink = 0;
        for (int rep = -5; rep < 15; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) halves.put(i, Half.fromFloat(x[i]));
            long t1 = System.nanoTime();
            for (int i = 0; i < count; i++) out[i] = Half.toFloat(halves.get(i));
            long t2 = System.nanoTime();
            sink += out[count - 1];
            long t3 = System.nanoTime();
            floats.put(0, x, 0, count);
            long t4 = System.nanoTime();
            floats.get(0, out, 0, count);
            long t5 = System.nanoTime();
            sink += out[count - 1];
            if (rep >= 0) {
                ms[0][rep] = (t1 - t0) / 1e6;
                ms[1][rep] = (t4 - t3) / 1e6;
                ms[2][rep] = (t2 - t1) / 1e6;
                ms[3][rep] = (t5 - t4) / 1e6;
            }
        }
        double[] m = new double[4];
        for (int k = 0; k < 4; k++) {
            Arrays.sort(ms[k]);
            m[k] = ms[k][7];
        }
        System.out.printf("%d | %.3f | %.3f | %.2f | %.3f | %.3f | %.2f%n", count, m[0], m[1], m[1] / m[0], m[2], m[3], m[3] / m[2]);
        if (sink == 42.4242) System.out.println(); // keeps the loops' results alive
    }
}
