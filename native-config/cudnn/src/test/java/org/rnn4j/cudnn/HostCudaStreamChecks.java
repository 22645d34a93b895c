package org.rnn4j.cudnn;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.rnn4j.Cell;
import org.rnn4j.RnnSpec;
import org.rnn4j.cudnn.StandInObjects.Blas;
import org.rnn4j.cudnn.StandInObjects.Dev;
import org.rnn4j.cudnn.StandInObjects.Event;
import org.rnn4j.cudnn.StandInObjects.Pinned;
import org.rnn4j.cudnn.StandInObjects.Stream;

/**
 * A child JVM of {@link HostCudaTest}: shows that the host CUDA stand-in models what CUDA leaves asynchronous, by
 * running right and deliberately wrong sequences through JavaCPP's cudart and cuBLAS bindings (and the composed
 * path's kernels, loaded by {@link CudaKernels}). Each check prints, on stderr, {@code hostcuda-check <name>} before
 * it runs (so the parent can find the stand-in's reports it caused) and, on stdout, {@code EXPECT <name> <text>}
 * for the report it must cause, then {@code PASS}/{@code FAIL <name> streams <detail>}; a check fails when the
 * stand-in reported a different number of violations than it expects, or saw wrong data. Everything is freed
 * before it exits.
 */
public final class HostCudaStreamChecks {
    private static final int VIOLATIONS = 0x52344D; // the stand-in's control channel, see HostCudaRun
    private static final int NOT_READY = 600;
    private static final int INVALID_HANDLE = 400;
    private static final RnnSpec SPEC = RnnSpec.builder(Cell.lstm()).inputSize(1).hiddenSize(1).build(); // for messages
    /** reverse_sequences over T steps of C channels, one sequence: out[t] = in[T - 1 - t]. */
    private static final int T = 64;
    private static final int C = 256;
    private static final int N = T * C;

    private static CudaKernels kernels;

    private HostCudaStreamChecks() {}

    public static void main(String[] args) {
        cudart.cudaSetDevice(0);
        kernels = new CudaKernels(0, SPEC);
        try {
            run();
        } finally {
            kernels.close();
        }
        System.out.flush();
    }

    private interface Check { String run() throws Exception; }

    private static void check(String name, int violations, String expected, Check body) {
        System.err.println("hostcuda-check " + name);
        System.err.flush();
        if (expected != null) System.out.println("EXPECT\t" + name + "\t" + expected);
        try {
            long before = limit(VIOLATIONS);
            String detail = body.run();
            long reported = limit(VIOLATIONS) - before;
            if (reported != violations) throw new AssertionError(reported + " violation(s) reported, expected " + violations);
            System.out.println("PASS\t" + name + "\tstreams\t" + detail);
        } catch (Throwable t) {
            System.out.println("FAIL\t" + name + "\tstreams\t" + String.valueOf(t).replace('\n', ' ').replace('\t', ' '));
        }
    }

    private static void run() {
        check("a download into pinned memory is there only after the stream is synchronized", 0, null, () -> {
            try (Dev d = new Dev(N); Pinned host = new Pinned(N); Stream s = new Stream()) {
                d.fill(ramp(N, 1));
                host.put(sentinel(N));
                ok(cudart.cudaMemcpyAsync(host.p, d.p, 4L * N, cudart.cudaMemcpyDeviceToHost, s.s), "D2H");
                float before = host.get(7);
                if (before != -1f) throw new AssertionError("read before the synchronize saw " + before + ", expected the old -1");
                ok(cudart.cudaStreamSynchronize(s.s), "sync");
                expect(ramp(N, 1), host.all(), "after the synchronize");
                return "before the synchronize: " + before;
            }
        });
        check("an upload from pinned memory reads it when the stream runs; a change before is reported", 1,
                "host source of a pending copy modified before the stream was synchronized", () -> {
            try (Dev d = new Dev(N); Pinned host = new Pinned(N); Stream s = new Stream()) {
                host.put(ramp(N, 1));
                ok(cudart.cudaMemcpyAsync(d.p, host.p, 4L * N, cudart.cudaMemcpyHostToDevice, s.s), "H2D");
                host.put(ramp(N, 2));
                ok(cudart.cudaStreamSynchronize(s.s), "sync");
                expect(ramp(N, 2), d.read(), "device after the synchronize (the bytes the host held then)");
                return "device holds the bytes of the synchronize";
            }
        });
        check("pinned memory freed under a pending copy is reported (cudaFreeHost does not synchronize)", 1,
                "pinned memory freed by cudaFreeHost while a cudaMemcpyAsync to it", () -> {
            try (Dev d = new Dev(N); Stream s = new Stream()) {
                Pinned host = new Pinned(N);
                ok(cudart.cudaMemcpyAsync(host.p, d.p, 4L * N, cudart.cudaMemcpyDeviceToHost, s.s), "D2H");
                host.close();
                ok(cudart.cudaStreamSynchronize(s.s), "sync");
                return "reported";
            }
        });
        check("a GEMM on stream B reading what a kernel on stream A writes, with no event between, is reported", 1,
                "cross-stream hazard: cublasSgemm on stream", () -> {
            try (Dev in = new Dev(N); Dev out = new Dev(N); Dev len = lengths(); Dev c = new Dev(N); Dev one = new Dev(1);
                 Stream a = new Stream(); Stream b = new Stream(); Blas blas = new Blas(b)) {
                in.fill(ramp(N, 1));
                one.fill(new float[] {1});
                reverse(a, in, out, len);
                blas.copyOf(out, one, c, N);
                a.sync();
                b.sync();
                return "reported";
            }
        });
        check("the same with cudaEventRecord on A and cudaStreamWaitEvent on B is not, and B sees A's result", 0, null, () -> {
            try (Dev in = new Dev(N); Dev out = new Dev(N); Dev len = lengths(); Dev c = new Dev(N); Dev one = new Dev(1);
                 Stream a = new Stream(); Stream b = new Stream(); Blas blas = new Blas(b); Event e = new Event(0)) {
                in.fill(ramp(N, 1));
                one.fill(new float[] {1});
                reverse(a, in, out, len);
                ok(cudart.cudaEventRecord(e.e, a.s), "record");
                ok(cudart.cudaStreamWaitEvent(b.s, e.e, 0), "wait");
                blas.copyOf(out, one, c, N);
                b.sync(); // B's wait runs A up to the event
                expect(reversed(ramp(N, 1)), c.read(), "C after synchronizing B only");
                a.sync();
                return "ordered";
            }
        });
        check("two streams reading one allocation is no hazard", 0, null, () -> {
            try (Dev in = new Dev(N); Dev out = new Dev(N); Dev len = lengths(); Dev c = new Dev(N); Dev one = new Dev(1);
                 Stream a = new Stream(); Stream b = new Stream(); Blas blas = new Blas(b)) {
                in.fill(ramp(N, 1));
                one.fill(new float[] {1});
                reverse(a, in, out, len);
                blas.copyOf(in, one, c, N);
                a.sync();
                b.sync();
                expect(ramp(N, 1), c.read(), "C");
                return "no report";
            }
        });
        check("a write on stream B to what a pending kernel on stream A reads is reported", 1,
                "cross-stream hazard: cudaMemsetAsync on stream", () -> {
            try (Dev in = new Dev(N); Dev out = new Dev(N); Dev len = lengths(); Stream a = new Stream(); Stream b = new Stream()) {
                in.fill(ramp(N, 1));
                reverse(a, in, out, len);
                ok(cudart.cudaMemsetAsync(in.p, 0, 4L * N, b.s), "memset");
                a.sync();
                b.sync();
                return "reported";
            }
        });
        check("kernel argument holders reused right after the launch do not change the launched kernel", 0, null, () -> {
            try (Dev in = new Dev(N); Dev in2 = new Dev(N); Dev out = new Dev(N); Dev out2 = new Dev(N); Dev len = lengths();
                 Stream s = new Stream(); PointerPointer<Pointer> params = new PointerPointer<>(6);
                 LongPointer pIn = new LongPointer(1); LongPointer pOut = new LongPointer(1); LongPointer pLen = new LongPointer(1);
                 IntPointer pT = new IntPointer(1); IntPointer pN = new IntPointer(1); IntPointer pC = new IntPointer(1)) {
                in.fill(ramp(N, 1));
                in2.fill(ramp(N, 5));
                out2.fill(sentinel(N));
                pIn.put(in.p.address());
                pOut.put(out.p.address());
                pLen.put(len.p.address());
                pT.put(T);
                pN.put(1);
                pC.put(C);
                params.put(0, pIn).put(1, pOut).put(2, pLen).put(3, pT).put(4, pN).put(5, pC);
                launch(s, params);
                pIn.put(in2.p.address());
                pOut.put(out2.p.address());
                pC.put(1);
                s.sync();
                expect(reversed(ramp(N, 1)), out.read(), "the launched kernel's output");
                expect(sentinel(N), out2.read(), "the buffer the holder pointed to after the launch");
                return "arguments as at the launch";
            }
        });
        check("alpha and beta are read at the cublasSgemm call", 0, null, () -> {
            try (Dev x = new Dev(N); Dev one = new Dev(1); Dev c = new Dev(N); Stream s = new Stream(); Blas blas = new Blas(s);
                 FloatPointer alpha = new FloatPointer(1).put(2f); FloatPointer beta = new FloatPointer(1).put(0f)) {
                x.fill(ramp(N, 1));
                one.fill(new float[] {1});
                blas.gemm(x, one, c, N, alpha, beta);
                alpha.put(3f);
                beta.put(Float.NaN);
                s.sync();
                float[] want = ramp(N, 1);
                for (int i = 0; i < N; i++) want[i] *= 2;
                expect(want, c.read(), "C = 2·x");
                return "alpha 2 as at the call";
            }
        });
        check("elapsed time between two events is cudaErrorNotReady before the synchronize, then positive", 0, null, () -> {
            try (Dev in = new Dev(N); Dev out = new Dev(N); Dev len = lengths(); Stream s = new Stream();
                 Event start = new Event(0); Event end = new Event(0); Event untimed = new Event(cudart.cudaEventDisableTiming)) {
                in.fill(ramp(N, 1));
                ok(cudart.cudaEventRecord(start.e, s.s), "record start");
                for (int i = 0; i < 20; i++) reverse(s, in, out, len);
                ok(cudart.cudaEventRecord(end.e, s.s), "record end");
                ok(cudart.cudaEventRecord(untimed.e, s.s), "record untimed");
                float[] ms = {-1};
                int early = cudart.cudaEventElapsedTime(ms, start.e, end.e);
                if (early != NOT_READY) throw new AssertionError("before the synchronize: status " + early + ", expected cudaErrorNotReady");
                ok(cudart.cudaEventSynchronize(untimed.e), "event synchronize");
                ok(cudart.cudaEventElapsedTime(ms, start.e, end.e), "elapsed");
                if (!(ms[0] > 0)) throw new AssertionError("elapsed " + ms[0] + " ms");
                int noTiming = cudart.cudaEventElapsedTime(new float[1], start.e, untimed.e);
                if (noTiming != INVALID_HANDLE) throw new AssertionError("with cudaEventDisableTiming: status " + noTiming);
                return ms[0] + " ms for 20 launches";
            }
        });
        check("cudaEventQuery is cudaErrorNotReady while recorded work is queued", 0, null, () -> {
            try (Dev d = new Dev(N); Pinned host = new Pinned(N); Stream s = new Stream(); Event e = new Event(0)) {
                d.fill(ramp(N, 1));
                ok(cudart.cudaMemcpyAsync(host.p, d.p, 4L * N, cudart.cudaMemcpyDeviceToHost, s.s), "D2H");
                ok(cudart.cudaEventRecord(e.e, s.s), "record");
                int first = cudart.cudaEventQuery(e.e);
                if (first != NOT_READY) throw new AssertionError("query with the copy queued: " + first);
                // The stand-in runs the work a NotReady query waited for, so that a polling loop ends.
                int second = cudart.cudaEventQuery(e.e);
                if (second != 0) throw new AssertionError("second query: " + second);
                expect(ramp(N, 1), host.all(), "host after the event completed");
                return "NotReady, then success";
            }
        });
        check("cudaFree synchronizes the device: another stream's queued download lands", 0, null, () -> {
            try (Dev d = new Dev(N); Pinned host = new Pinned(N); Stream s = new Stream()) {
                d.fill(ramp(N, 3));
                host.put(sentinel(N));
                ok(cudart.cudaMemcpyAsync(host.p, d.p, 4L * N, cudart.cudaMemcpyDeviceToHost, s.s), "D2H");
                new Dev(1).close();
                expect(ramp(N, 3), host.all(), "host after an unrelated cudaFree");
                return "landed";
            }
        });
        check("cudaStreamDestroy completes the stream's work", 0, null, () -> {
            try (Dev d = new Dev(N); Pinned host = new Pinned(N)) {
                d.fill(ramp(N, 4));
                Stream s = new Stream();
                ok(cudart.cudaMemcpyAsync(host.p, d.p, 4L * N, cudart.cudaMemcpyDeviceToHost, s.s), "D2H");
                s.close();
                expect(ramp(N, 4), host.all(), "host after cudaStreamDestroy");
                return "completed";
            }
        });
        check("work enqueued on freed device memory is refused", 2, "is not device memory", () -> {
            try (Dev in = new Dev(N); Dev len = lengths(); Pinned host = new Pinned(N); Stream s = new Stream()) {
                Dev gone = new Dev(N);
                Pointer stale = new Pointer(gone.p);
                gone.close();
                int copy = cudart.cudaMemcpyAsync(stale, host.p, 4L * N, cudart.cudaMemcpyHostToDevice, s.s);
                if (copy == 0) throw new AssertionError("cudaMemcpyAsync to freed memory succeeded");
                try (PointerPointer<Pointer> params = new PointerPointer<>(6); LongPointer pIn = new LongPointer(1).put(in.p.address());
                     LongPointer pOut = new LongPointer(1).put(stale.address()); LongPointer pLen = new LongPointer(1).put(len.p.address());
                     IntPointer pT = new IntPointer(1).put(1); IntPointer pN = new IntPointer(1).put(1); IntPointer pC = new IntPointer(1).put(1)) {
                    params.put(0, pIn).put(1, pOut).put(2, pLen).put(3, pT).put(4, pN).put(5, pC);
                    int status = cudart.cuLaunchKernel(kernels.function(GpuOps.Kernel.REVERSE_SEQUENCES), 1, 1, 1, 256, 1, 1, 0,
                            s.s, params, null);
                    if (status == 0) throw new AssertionError("cuLaunchKernel with freed memory as an argument succeeded");
                }
                return "copy status " + copy;
            }
        });
    }

    // ---- helpers ----

    /** Enqueues reverse_sequences(in → out) on s; the argument holders are freed on return, as rnn4j's are. */
    private static void reverse(Stream s, Dev in, Dev out, Dev len) {
        try (PointerPointer<Pointer> params = new PointerPointer<>(6); LongPointer pIn = new LongPointer(1).put(in.p.address());
             LongPointer pOut = new LongPointer(1).put(out.p.address()); LongPointer pLen = new LongPointer(1).put(len.p.address());
             IntPointer pT = new IntPointer(1).put(T); IntPointer pN = new IntPointer(1).put(1); IntPointer pC = new IntPointer(1).put(C)) {
            params.put(0, pIn).put(1, pOut).put(2, pLen).put(3, pT).put(4, pN).put(5, pC);
            launch(s, params);
        }
    }

    /** The one sequence's length, T, in device memory. */
    private static Dev lengths() {
        Dev len = new Dev(1);
        len.fillInts(new int[] {T});
        return len;
    }

    private static void launch(Stream s, PointerPointer<Pointer> params) {
        ok(cudart.cuLaunchKernel(kernels.function(GpuOps.Kernel.REVERSE_SEQUENCES), (N + 255) / 256, 1, 1, 256, 1, 1, 0,
                s.s, params, null), "cuLaunchKernel");
    }

    private static float[] ramp(int n, int scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = scale * (i + 1);
        return v;
    }

    private static float[] sentinel(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, -1f);
        return v;
    }

    /** [T, C] with the steps in reverse order (one sequence of full length). */
    private static float[] reversed(float[] v) {
        float[] r = new float[v.length];
        for (int t = 0; t < T; t++) System.arraycopy(v, (T - 1 - t) * C, r, t * C, C);
        return r;
    }

    private static void expect(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.compare(want[i], got[i]) != 0) throw new AssertionError(what + "[" + i + "] = " + got[i] + ", expected " + want[i]);
        }
    }

    private static void ok(int status, String what) {
        if (status != 0) throw new AssertionError(what + ": status " + status);
    }

    private static long limit(int which) {
        try (org.bytedeco.javacpp.SizeTPointer v = new org.bytedeco.javacpp.SizeTPointer(1)) {
            ok(cudart.cudaDeviceGetLimit(v, which), "control channel");
            return v.get();
        }
    }
}
