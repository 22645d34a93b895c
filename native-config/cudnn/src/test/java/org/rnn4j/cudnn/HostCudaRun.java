package org.rnn4j.cudnn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.rnn4j.Availability;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Direction;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.testkit.CaseGrid;
import org.rnn4j.testkit.Compare;
import org.rnn4j.testkit.Tolerance;

/**
 * The child JVM of {@link HostCudaTest}: runs the real {@link CudnnBackend} (probe, native and composed paths) on
 * the host CUDA stand-in and prints one tab-separated line per check for the parent to assert on:
 * {@code PROBE <reason>}, {@code PASS <name> <path> <share of tolerance>} or {@code FAIL <name> <path> <message>}.
 * Everything it prepares is closed before it exits, so the stand-in's exit report must show no live object.
 */
public final class HostCudaRun {
    private HostCudaRun() {}

    public static void main(String[] args) throws Exception {
        CudnnBackend cudnn = new CudnnBackend();
        Availability a = cudnn.probe();
        System.out.println("PROBE\t" + a.available() + "\t" + a);
        if (!a.available()) System.exit(2);
        List<CaseGrid.Case> cases = new ArrayList<>(CaseGrid.f32());
        cases.addAll(CaseGrid.f16());
        // The mixed cases run after the grid but stay out of `cases`, which the pageable checks below sample.
        List<CaseGrid.Case> withMixed = new ArrayList<>(cases);
        withMixed.addAll(CaseGrid.mixed(CaseGrid.MIXED_F32, DataType.F32));
        withMixed.addAll(CaseGrid.mixed(CaseGrid.MIXED_F16, DataType.F16));
        for (CaseGrid.Case c : withMixed) {
            check(c.name(), c.spec(), () -> gridCase(cudnn, c));
        }
        for (RnnSpec spec : List.of(
                RnnSpec.builder(Cell.lstm()).inputSize(5).hiddenSize(7).layers(2).direction(Direction.BIDIRECTIONAL_SUM).build(),
                RnnSpec.builder(new Cell.Lstm().withAllPeepholes()).inputSize(5).hiddenSize(7).build())) {
            check("4 threads share one prepared " + spec.caseName(), spec, () -> concurrently(cudnn, spec));
        }
        // The grid above stages its copies in pinned memory (all of it is under the default limit); copies over the
        // limit take the per-call pageable path, here forced with a limit of 0 on both paths.
        for (boolean nativePath : new boolean[] {true, false}) {
            RnnSpec staged = nativePath
                    ? RnnSpec.builder(Cell.lstm()).inputSize(5).hiddenSize(6).layers(2).direction(Direction.BIDIRECTIONAL_SUM).build()
                    : RnnSpec.builder(new Cell.Lstm().withAllPeepholes()).inputSize(5).hiddenSize(6).build();
            check("pageable staging (pinnedStagingMiB=0) agrees with the reference", staged, () -> pageable(cudnn, cases, nativePath));
            // A limit of 1 MiB with an X of 1.6 MB: the copy holding X goes pageable, the others pinned, in the same
            // call (native: the one upload pageable, the download pinned).
            RnnSpec wide = RnnSpec.builder(nativePath ? Cell.lstm() : new Cell.Lstm().withAllPeepholes()).inputSize(512).hiddenSize(4).build();
            check("an X over pinnedStagingMiB=1 is staged pageable beside pinned copies", wide, () -> {
                System.setProperty(PinnedBuffer.LIMIT_PROPERTY, "1");
                RnnWeights w = RnnWeights.random(wide, 31);
                try (PreparedRnn p = cudnn.prepare(wide, w)) {
                    double worst = 0;
                    for (int call = 0; call < 3; call++) { // the composed buffer grows after the first call
                        RnnInput in = input(wide, 50, 16, 50 + call);
                        worst = Math.max(worst, compare("call " + call, wide, w, in, p.forward(in), 50));
                    }
                    return worst;
                } finally {
                    System.clearProperty(PinnedBuffer.LIMIT_PROPERTY);
                }
            });
        }
        // cuDNN's F16 y holds halves; its two directions are added on the device and rounded to half again there.
        // Added on the host instead (in float, as before the ninth session), most sums would not be halves.
        RnnSpec halfSum = RnnSpec.builder(Cell.lstm()).inputSize(5).hiddenSize(6).direction(Direction.BIDIRECTIONAL_SUM)
                .dataType(org.rnn4j.DataType.F16).build();
        check("F16 bidirectional-sum Y holds half values", halfSum, () -> {
            RnnWeights w = RnnWeights.random(halfSum, 41);
            RnnInput in = input(halfSum, 7, 5, 41);
            try (PreparedRnn p = cudnn.prepare(halfSum, w)) {
                RnnOutput out = p.forward(in);
                float[] y = out.y();
                for (int i = 0; i < y.length; i++) {
                    if (Half.toFloat(Half.fromFloat(y[i])) != y[i]) throw new AssertionError("Y[" + i + "] = " + y[i] + " is not a half");
                }
                return compare("F16 sum", halfSum, w, in, out, 7);
            }
        });
        RnnSpec gru = RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3).hiddenSize(4).build();
        check("one prepared RNN, many calls of changing shape", gru, () -> {
            RnnWeights w = RnnWeights.random(gru, 3);
            double worst = 0;
            try (PreparedRnn p = cudnn.prepare(gru, w)) {
                int[][] shapes = {{9, 4}, {2, 1}, {13, 7}, {1, 3}, {9, 4}};
                for (int[] s : shapes) {
                    RnnInput in = input(gru, s[0], s[1], s[0] * 31 + s[1]);
                    worst = Math.max(worst, compare("T" + s[0] + "N" + s[1], gru, w, in, p.forward(in), s[0]));
                }
            }
            return worst;
        });
        RnnSpec relu = RnnSpec.builder(Cell.rnn(org.rnn4j.Activation.RELU)).inputSize(3).hiddenSize(4).layers(2)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build();
        for (RnnSpec spec : List.of(relu, RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(4).build(),
                RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(2).hiddenSize(3)
                        .direction(Direction.REVERSE).build())) {
            check("NaN and ±Inf in X and the initial states come out where the reference has them", spec,
                    () -> nonFinite(cudnn, spec, RnnWeights.random(spec, 17)));
        }
        check("a NaN weight reaches the outputs it reaches in the reference", relu, () -> {
            RnnWeights w = RnnWeights.random(relu, 17);
            org.rnn4j.LayerWeights first = w.get(0, 0);
            float[] r = first.r().clone();
            r[5] = Float.NaN;
            List<org.rnn4j.LayerWeights> parts = new ArrayList<>(w.parts());
            parts.set(0, org.rnn4j.LayerWeights.of(first.w(), r, first.wBias(), first.rBias()));
            return nonFinite(cudnn, relu, RnnWeights.of(relu, parts));
        });
        for (RnnSpec spec : List.of(
                RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(5).layers(2).direction(Direction.BIDIRECTIONAL_SUM).build(),
                RnnSpec.builder(new Cell.Lstm().withPeepholes(org.rnn4j.Gate.FORGET)).inputSize(3).hiddenSize(5)
                        .direction(Direction.BIDIRECTIONAL_CONCAT).build(),
                // Native F16: its data goes through the pack and unpack kernels on every copy.
                RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3).hiddenSize(4)
                        .dataType(org.rnn4j.DataType.F16).build())) {
            check("a failure injected into each native call in turn", spec, () -> faultEveryCall(cudnn, spec));
        }
        HostCudaNativeIoChecks.run(cudnn);
        System.out.flush();
    }

    // The stand-in's control channel (host_cuda.cpp): cudaDeviceSetLimit(FAULT, k) makes the k-th fallible call
    // from then on fail once; cudaDeviceGetLimit(FAULT) reads 0 once it has fired, (LIVE) counts live objects;
    // (DWELL, µs) keeps every cudnnRNNForward in flight longer, so that calls of different threads overlap;
    // (VIOLATIONS) counts the misuse reported so far.
    private static final int FAULT = 0x52344A;
    private static final int LIVE = 0x52344B;
    private static final int DWELL = 0x52344C;
    private static final int VIOLATIONS = 0x52344D;
    private static final java.util.regex.Pattern STATUS =
            java.util.regex.Pattern.compile("cudaError[A-Za-z]+|CUDA_ERROR_[A-Z_]+|CUBLAS_STATUS_[A-Z_]+|NVRTC_ERROR_[A-Z_]+|CUDNN_STATUS_[A-Z_]+");

    static long limit(int which) {
        try (org.bytedeco.javacpp.SizeTPointer v = new org.bytedeco.javacpp.SizeTPointer(1)) {
            if (org.bytedeco.cuda.global.cudart.cudaDeviceGetLimit(v, which) != 0) throw new IllegalStateException("control channel");
            return v.get();
        }
    }

    /**
     * Prepare, forward, forward again and close, with the k-th native call failing, for k = 1, 2, … until a run
     * completes untouched. Each failure must surface as a NativeBackendException naming the library's status; a
     * failed forward must leave the prepared RNN usable (the next forward is checked against the reference); and
     * after every run the live device objects are back to what they were. Every run starts with no cached image, so
     * the NVRTC calls (composed path, native direction sum) fail in turn too; the libraries whose statuses were seen must be all those the
     * path calls. Returns the number of calls failed.
     */
    private static double faultEveryCall(CudnnBackend cudnn, RnnSpec spec) {
        RnnWeights w = RnnWeights.random(spec, 21);
        RnnInput in = input(spec, 4, 3, 5);
        long baseline = limit(LIVE);
        java.util.Set<String> libraries = new java.util.TreeSet<>();
        for (int k = 1; ; k++) {
            CudaKernels.forgetCompiledImages();
            org.bytedeco.cuda.global.cudart.cudaDeviceSetLimit(FAULT, k);
            boolean failedForward = false;
            try (PreparedRnn p = cudnn.prepare(spec, w)) {
                try {
                    compare("k=" + k, spec, w, in, p.forward(in), 4);
                } catch (org.rnn4j.NativeBackendException e) {
                    libraries.add(expectStatus(k, e));
                    failedForward = true;
                }
                if (failedForward) compare("after the failure at k=" + k, spec, w, in, p.forward(in), 4);
            } catch (org.rnn4j.NativeBackendException e) {
                libraries.add(expectStatus(k, e));
            }
            boolean fired = limit(FAULT) == 0;
            org.bytedeco.cuda.global.cudart.cudaDeviceSetLimit(FAULT, 0);
            long live = limit(LIVE);
            if (live != baseline) throw new AssertionError("k=" + k + ": " + live + " live device objects, " + baseline + " before");
            if (!fired) {
                CudnnPlan plan = CudnnBackend.plan(spec);
                // A native plan with kernels of its own (bidirectional sum, F16) compiles and launches them too.
                java.util.Set<String> expected = !plan.isNative()
                        ? java.util.Set.of("CUBLAS_STATUS", "CUDA_ERROR", "NVRTC_ERROR", "cudaError")
                        : !plan.nativeKernels().isEmpty() ? java.util.Set.of("CUDNN_STATUS", "CUDA_ERROR", "NVRTC_ERROR", "cudaError")
                        : java.util.Set.of("CUDNN_STATUS", "cudaError");
                if (!libraries.equals(expected)) throw new AssertionError("statuses seen " + libraries + ", expected " + expected);
                return k - 1;
            }
        }
    }

    /** The library prefix of the status the exception names ("CUDNN_STATUS", "NVRTC_ERROR", …). */
    private static String expectStatus(int k, org.rnn4j.NativeBackendException e) {
        java.util.regex.Matcher m = STATUS.matcher(String.valueOf(e.getMessage()));
        if (!m.find()) throw new AssertionError("k=" + k + ": the exception names no library status: " + e, e);
        String status = m.group();
        return status.startsWith("cudaError") ? "cudaError" : status.substring(0, status.indexOf('_', status.indexOf('_') + 1));
    }

    interface Check { double run() throws Exception; }

    /** One grid case prepared, run once and compared with the reference: the share of the tolerance used. */
    private static double gridCase(CudnnBackend cudnn, CaseGrid.Case c) {
        RnnWeights w = RnnWeights.random(c.spec(), c.seed());
        RnnInput in = c.input();
        try (PreparedRnn p = cudnn.prepare(c.spec(), w)) {
            return compare(c.name(), c.spec(), w, in, p.forward(in), c.steps());
        }
    }

    /**
     * Every fourth case of the F32 and F16 grids planned on the native (or composed) path — every cell, direction,
     * layout and length pattern occurs — prepared with {@code -Drnn4j.cudnn.pinnedStagingMiB=0}.
     */
    private static double pageable(CudnnBackend cudnn, List<CaseGrid.Case> cases, boolean nativePath) {
        System.setProperty(PinnedBuffer.LIMIT_PROPERTY, "0");
        try {
            double worst = 0;
            int seen = 0;
            for (CaseGrid.Case c : cases) {
                if (CudnnBackend.plan(c.spec()).isNative() != nativePath || seen++ % 4 != 0) continue;
                worst = Math.max(worst, gridCase(cudnn, c));
            }
            return worst;
        } finally {
            System.clearProperty(PinnedBuffer.LIMIT_PROPERTY);
        }
    }

    /** Runs one check; it fails on an exception, and also when the stand-in reported misuse while it ran. */
    static void check(String name, RnnSpec spec, Check check) {
        String path = CudnnBackend.plan(spec).isNative() ? "native" : "composed";
        try {
            long before = limit(VIOLATIONS);
            double result = check.run();
            long reported = limit(VIOLATIONS) - before;
            if (reported > 0) throw new AssertionError(reported + " API misuse report(s) of the stand-in during this check (stderr: hostcuda VIOLATION)");
            System.out.println("PASS\t" + name + "\t" + path + "\t" + result);
        } catch (Throwable t) {
            String m = String.valueOf(t).replace('\n', ' ').replace('\t', ' ');
            System.out.println("FAIL\t" + name + "\t" + path + "\t" + m);
        }
    }

    static double compare(String name, RnnSpec spec, RnnWeights w, RnnInput in, RnnOutput actual, int steps) {
        RnnOutput expected = ComposedStackTest.reference(spec, w, in);
        Tolerance tol = Tolerance.of(spec, steps);
        Compare.assertOutputsClose(name, expected, actual, tol);
        return Compare.worstUse(expected, actual, tol);
    }

    /**
     * 40 calls with NaN, +Inf or −Inf at random places of X (and of the initial states in every other call), ragged
     * lengths in every third: every output is non-finite exactly where the reference's is, with the same kind of
     * value, and within the tolerance elsewhere. Returns the number of non-finite outputs seen, which must be > 0.
     */
    private static double nonFinite(CudnnBackend cudnn, RnnSpec spec, RnnWeights w) {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        java.util.SplittableRandom r = new java.util.SplittableRandom(spec.caseName().hashCode());
        int seen = 0;
        try (PreparedRnn p = cudnn.prepare(spec, w)) {
            for (int call = 0; call < 40; call++) {
                int steps = 1 + r.nextInt(5);
                int batch = 1 + r.nextInt(4);
                RnnInput base = input(spec, steps, batch, call);
                float[] x = new float[base.x().remaining()];
                base.x().duplicate().get(x);
                for (int k = 1 + r.nextInt(3); k > 0; k--) x[r.nextInt(x.length)] = specials[r.nextInt(3)];
                RnnInput.Builder b = RnnInput.builder(x, Layout.TIME_MAJOR, steps, batch);
                if (call % 3 == 0) b.sequenceLengths(base.sequenceLengths());
                if (call % 2 == 1) {
                    int states = spec.layers() * spec.direction().count() * batch;
                    float[] h0 = ComposedStackTest.values(states * spec.stateSize(), call + 1000L);
                    h0[r.nextInt(h0.length)] = specials[r.nextInt(3)];
                    b.initialH(h0);
                    if (spec.cell() instanceof Cell.Lstm) {
                        float[] c0 = ComposedStackTest.values(states * spec.hiddenSize(), call + 2000L);
                        c0[r.nextInt(c0.length)] = specials[r.nextInt(3)];
                        b.initialC(c0);
                    }
                }
                RnnInput in = b.build();
                RnnOutput expected = ComposedStackTest.reference(spec, w, in);
                RnnOutput actual = p.forward(in);
                Tolerance tol = Tolerance.of(spec, steps);
                String name = "call " + call;
                seen += sameNonFinite(name + " Y", expected.y(), actual.y(), tol)
                        + sameNonFinite(name + " hFinal", expected.hFinal(), actual.hFinal(), tol)
                        + sameNonFinite(name + " cFinal", expected.cFinal(), actual.cFinal(), tol);
            }
        }
        if (seen == 0) throw new AssertionError("no call produced a non-finite output: the check cannot see anything");
        return seen;
    }

    private static int sameNonFinite(String name, float[] expected, float[] actual, Tolerance tol) {
        if (expected == null) return 0;
        int count = 0;
        for (int i = 0; i < expected.length; i++) {
            boolean special = !Float.isFinite(expected[i]);
            boolean ok = special ? Float.compare(expected[i], actual[i]) == 0 : tol.accepts(expected[i], actual[i]);
            if (!ok) throw new AssertionError(name + "[" + i + "]: reference " + expected[i] + " but got " + actual[i]);
            if (special) count++;
        }
        return count;
    }

    /**
     * 4 threads × 8 calls on one prepared RNN, each checked against the reference. Every cudnnRNNForward stays in
     * flight 3 ms longer (DWELL), so calls of different threads overlap and the stand-in sees any handle or RNN
     * descriptor two of them share.
     */
    private static double concurrently(CudnnBackend cudnn, RnnSpec spec) throws Exception {
        RnnWeights w = RnnWeights.random(spec, 11);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        org.bytedeco.cuda.global.cudart.cudaDeviceSetLimit(DWELL, 3000);
        try (PreparedRnn p = cudnn.prepare(spec, w)) {
            List<Future<Double>> results = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                int seed = thread;
                results.add(pool.submit(() -> {
                    double worst = 0;
                    for (int call = 0; call < 8; call++) {
                        int steps = 2 + (call + seed) % 6;
                        RnnInput in = input(spec, steps, 1 + (call * 3 + seed) % 5, 100L * seed + call);
                        worst = Math.max(worst, compare("thread " + seed + " call " + call, spec, w, in, p.forward(in), steps));
                    }
                    return worst;
                }));
            }
            double worst = 0;
            for (Future<Double> f : results) worst = Math.max(worst, f.get());
            return worst;
        } finally {
            pool.shutdown();
            org.bytedeco.cuda.global.cudart.cudaDeviceSetLimit(DWELL, 0);
        }
    }

    static RnnInput input(RnnSpec spec, int steps, int batch, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] x = ComposedStackTest.values(steps * batch * spec.inputSize(), seed);
        int[] lengths = new int[batch];
        for (int n = 0; n < batch; n++) lengths[n] = n == 0 ? steps : r.nextInt(steps + 1);
        return RnnInput.builder(x, Layout.TIME_MAJOR, steps, batch).sequenceLengths(lengths).build();
    }
}
