package org.rnn4j.cudnn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.rnn4j.Layout;

/**
 * The host side of one native-path call's X/Y staging, without a GPU, both ways the backend stages (one thread, side
 * by side in one run, median of 15 after 5 warm-ups):
 * <ul>
 *   <li><b>pageable</b> (copies over {@code rnn4j.cudnn.pinnedStagingMiB}): X packed into a new array, copied into a
 *       new native buffer for the upload; Y downloaded into a new native buffer, copied into an array, unpacked;
 *   <li><b>kept</b> (the pinned path): X packed straight into the context's buffer, Y unpacked straight from it.
 *       A direct buffer stands in for the pinned one (same Java access; pinning changes only what the DMA engine does).
 * </ul>
 * The copies to and from the device are not here; {@code GpuSelfCheck bench} times the whole call on a GPU.
 * Run: {@code java -cp <test classpath> org.rnn4j.cudnn.StagingHostBench}; results in
 * benchmarks/results/cudnn-host-staging.txt.
 */
public final class StagingHostBench {
    private StagingHostBench() {}

    public static void main(String[] args) {
        System.out.println("java " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.arch") + "; one thread; f32; median ms of 15");
        System.out.println("T | N | I | layout | pageable ms | kept ms | ratio");
        int[][] shapes = {{1, 1, 256}, {50, 64, 512}, {25, 16, 1024}, {100, 64, 1024}, {50, 256, 512}};
        for (int[] shape : shapes) {
            for (Layout layout : Layout.values()) run(shape[0], shape[1], shape[2], layout);
        }
    }

    private static void run(int steps, int batch, int inputSize, Layout layout) {
        int count = steps * batch * inputSize;
        FloatBuffer x = FloatBuffer.wrap(new float[count]);
        ByteBuffer xKept = ByteBuffer.allocateDirect(4 * count).order(ByteOrder.nativeOrder());
        ByteBuffer yKept = ByteBuffer.allocateDirect(4 * count).order(ByteOrder.nativeOrder());
        double[] pageable = new double[20];
        double[] kept = new double[20];
        float sink = 0;
        for (int r = 0; r < pageable.length; r++) {
            SequenceStaging s = new SequenceStaging(steps, batch, null, false);
            long t0 = System.nanoTime();
            try (FloatPointer xHost = new FloatPointer(s.packX(x, layout, inputSize)); FloatPointer yHost = new FloatPointer(count)) {
                float[] y = new float[count];
                yHost.get(y);
                sink += s.unpackY(y, layout, inputSize)[count - 1] + xHost.get(0);
            }
            long t1 = System.nanoTime();
            s.packX(x, layout, inputSize, xKept.asFloatBuffer());
            sink += s.unpackY(yKept.asFloatBuffer(), layout, inputSize)[count - 1];
            long t2 = System.nanoTime();
            pageable[r] = (t1 - t0) / 1e6;
            kept[r] = (t2 - t1) / 1e6;
        }
        double p = median(Arrays.copyOfRange(pageable, 5, pageable.length));
        double k = median(Arrays.copyOfRange(kept, 5, kept.length));
        System.out.printf("%d | %d | %d | %s | %.3f | %.3f | %.2f%s%n", steps, batch, inputSize, layout, p, k, k / p, sink == 1 ? " " : "");
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        return values[values.length / 2];
    }
}
