package org.rnn4j.cudnn;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.rnn4j.OutputKind;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.nativecommon.NonFinite;
import org.rnn4j.spi.AbstractPreparedRnn;

/**
 * A spec whose whole layer stack is one {@code cudnnRNNForward} call (the native path of {@link CudnnPlan}).
 * {@code forward} may run on many threads at once: each call takes a {@link CudnnContext} (own handle, stream,
 * RNN descriptor, descriptors and buffers) from a pool that grows to the peak concurrency; only the weight space is
 * shared, read-only. BIDIRECTIONAL_SUM adds cuDNN's two directions on the device with an NVRTC kernel
 * ({@link GpuOps.Kernel#SUM_DIRECTIONS}), so only the sum comes back to the host. A call with NaN or ±Inf in its
 * data on a plan whose kernels may lose NaN ({@link CudnnPlan#losesNaN}) runs on a composed twin instead, built on
 * the first such call. {@code close()} (idempotent, waits for calls) frees all device memory and handles, the
 * kernels' and the twin's included.
 */
final class CudnnPreparedRnn extends AbstractPreparedRnn {
    private final CudnnPlan plan;
    private final int device;
    private final CudnnStack stack;
    private final ContextPool<CudnnContext> pool;
    /** BIDIRECTIONAL_SUM plans only: the direction-sum kernels, loaded on our device at prepare; else null. */
    private final CudaKernels sumKernels;
    /** x and y copies up to this many bytes are staged in each context's pinned buffers. */
    private final long pinnedLimit;
    /** The weights, kept only where calls with non-finite data must run on the NaN-exact composed path. */
    private final RnnWeights nanExactWeights;
    private ComposedPreparedRnn nanExact; // built on the first such call; guarded by this
    /** Bench only: record CUDA events around each {@code cudnnRNNForward} and keep the last call's GPU time. */
    private volatile boolean timeDevice;
    private volatile double lastDeviceMicros = Double.NaN;

    /** {@code pinnedLimit}: the largest x or y copy staged in pinned memory ({@link PinnedBuffer#limitBytes}). */
    CudnnPreparedRnn(RnnSpec spec, RnnWeights weights, CudnnPlan plan, int device, long pinnedLimit) {
        super(spec, CudaErrors.BACKEND);
        this.pinnedLimit = pinnedLimit;
        this.plan = plan;
        this.device = device;
        this.nanExactWeights = plan.losesNaN() ? weights : null;
        this.stack = new CudnnStack(spec, plan);
        // Each context configures its own RNN descriptor from the plan; all but the first check that it sizes the
        // weight space as the first one did, through which the weights were laid out.
        this.pool = new ContextPool<>(() -> new CudnnContext(device, spec, plan, stack.weightSpaceBytes));
        CudaKernels kernels = null;
        try {
            CudnnContext first = pool.take();
            try {
                stack.build(first, weights);
            } finally {
                pool.give(first);
            }
            if (plan.sumHalves()) {
                CudaDevice.requireLibraries(spec, "BIDIRECTIONAL_SUM adds the two directions with a kernel compiled by NVRTC",
                        nvrtc.class);
                // The context made our device current on this thread.
                kernels = new CudaKernels(device, spec, EnumSet.of(GpuOps.Kernel.SUM_DIRECTIONS, GpuOps.Kernel.SUM_DIRECTIONS_HALF));
            }
        } catch (RuntimeException | Error e) {
            release();
            throw e;
        }
        this.sumKernels = kernels;
    }

    /**
     * Bench only: from now on each call also times its {@code cudnnRNNForward} with CUDA events on its stream (two event
     * records per call, and a read of the elapsed time after the synchronize the call makes anyway).
     */
    void timeDevice() {
        timeDevice = true;
    }

    /** GPU microseconds of the last timed {@code cudnnRNNForward} (NaN before one); meaningful with one caller. */
    double lastDeviceMicros() {
        return lastDeviceMicros;
    }

    @Override
    protected RnnOutput compute(RnnInput in) {
        if (nanExactWeights != null && NonFinite.any(in)) return nanExact().forward(in);
        RnnSpec spec = spec();
        CudnnContext ctx = pool.take();
        try (PointerScope scope = new PointerScope()) {
            // The CUDA device is per host thread: make ours current before any call on this thread.
            CudaErrors.cuda(cudart.cudaSetDevice(device), "cudaSetDevice(" + device + ")", spec);
            try {
                return run(ctx, in);
            } catch (RuntimeException | Error e) {
                // Let queued copies on our stream finish before the scope frees their host buffers.
                cudart.cudaStreamSynchronize(ctx.stream);
                throw e;
            }
        } finally {
            pool.give(ctx);
        }
    }

    private RnnOutput run(CudnnContext ctx, RnnInput in) {
        RnnSpec spec = spec();
        SequenceStaging staging = new SequenceStaging(in.steps(), in.batch(), in.sequenceLengths(), plan.reverseEachSequence());
        int n = in.batch();
        int maxT = staging.maxLength();
        int s = plan.stateSize();
        int h = plan.hiddenSize();
        int ld = plan.numLayers() * plan.cudnnDirections();
        int yChannels = plan.cudnnOutputSize();
        int outChannels = plan.sumHalves() ? s : yChannels; // Y's channels: cuDNN's y, or its two directions added
        int eb = stack.elementBytes();
        boolean lstm = plan.cellMode() == CudnnPlan.CUDNN_LSTM;
        boolean wantY = in.wants(OutputKind.Y, spec);
        boolean wantH = in.wants(OutputKind.H_FINAL, spec);
        boolean wantC = lstm && in.wants(OutputKind.C_FINAL, spec);
        int[] lengths = staging.cudnnLengths();

        // x / y: RNN data descriptors, SEQ_MAJOR_UNPACKED = [maxT, N, vectorSize] with per-sequence lengths (all
        // >= 1, see SequenceStaging); padding of y is filled with 0 (paddingFill points to a host value of dataType).
        Pointer zero = eb == 4 ? new FloatPointer(1).put(0f) : new ShortPointer(1).put((short) 0);
        CudaErrors.cudnn(cudnn.cudnnSetRNNDataDescriptor(ctx.xDesc, plan.dataType(), 0, maxT, n, plan.inputSize(),
                lengths, zero), "cudnnSetRNNDataDescriptor (x)", spec);
        CudaErrors.cudnn(cudnn.cudnnSetRNNDataDescriptor(ctx.yDesc, plan.dataType(), 0, maxT, n, yChannels,
                lengths, zero), "cudnnSetRNNDataDescriptor (y)", spec);
        // h: [numLayers·D, N, projSize], c: [numLayers·D, N, hiddenSize], fully packed (strides N·W, W, 1).
        CudaErrors.cudnn(cudnn.cudnnSetTensorNdDescriptor(ctx.hDesc, plan.dataType(), 3, new int[] {ld, n, s},
                new int[] {n * s, s, 1}), "cudnnSetTensorNdDescriptor (h)", spec);
        CudaErrors.cudnn(cudnn.cudnnSetTensorNdDescriptor(ctx.cDesc, plan.dataType(), 3, new int[] {ld, n, h},
                new int[] {n * h, h, 1}), "cudnnSetTensorNdDescriptor (c)", spec);

        // Inference needs only the workspace (reserve space is for training).
        long work;
        try (SizeTPointer workSize = new SizeTPointer(1); SizeTPointer reserveSize = new SizeTPointer(1)) {
            CudaErrors.cudnn(cudnn.cudnnGetRNNTempSpaceSizes(ctx.handle, ctx.rnn.desc, cudnn.CUDNN_FWD_MODE_INFERENCE,
                    ctx.xDesc, workSize, reserveSize), "cudnnGetRNNTempSpaceSizes", spec);
            work = workSize.get();
        }
        long xBytes = (long) maxT * n * plan.inputSize() * eb;
        long yBytes = (long) maxT * n * yChannels * eb;
        long outBytes = (long) maxT * n * outChannels * eb;
        long hBytes = (long) ld * n * s * eb;
        long cBytes = (long) ld * n * h * eb;
        Pointer x = ctx.x.ensure(xBytes, spec);
        Pointer y = ctx.y.ensure(yBytes, spec);
        Pointer ws = ctx.workSpace.ensure(work, spec);
        // devSeqLengths: the same int32[N] as the descriptors' seqLengthArray, but in device memory.
        Pointer devLengths = ctx.seqLengths.ensure(4L * n, spec);
        upload(ctx, devLengths, new IntPointer(lengths), 4L * n, "sequence lengths");
        ByteBuffer stage = xBytes <= pinnedLimit ? ctx.xHost.ensure(xBytes) : null;
        if (stage != null) {
            if (eb == 4) {
                staging.packX(in.x(), in.layout(), plan.inputSize(), stage.asFloatBuffer());
            } else {
                staging.packXHalf(in.x(), in.layout(), plan.inputSize(), stage.asShortBuffer());
            }
            upload(ctx, x, ctx.xHost.address(), xBytes, "x");
        } else {
            upload(ctx, x, host(staging.packX(in.x(), in.layout(), plan.inputSize()), eb), xBytes, "x");
        }
        // NULL hx / cx mean zero initial states; NULL hy / cy mean "do not write final states".
        Pointer hx = null;
        Pointer cx = null;
        if (in.initialH() != null) upload(ctx, hx = ctx.hx.ensure(hBytes, spec), host(in.initialH(), eb), hBytes, "hx");
        if (lstm && in.initialC() != null) upload(ctx, cx = ctx.cx.ensure(cBytes, spec), host(in.initialC(), eb), cBytes, "cx");
        Pointer hy = wantH ? ctx.hy.ensure(hBytes, spec) : null;
        Pointer cy = wantC ? ctx.cy.ensure(cBytes, spec) : null;

        StreamTimer timer = timeDevice ? ctx.timer(spec) : null;
        if (timer != null) timer.start(ctx.stream, spec);
        CudaErrors.cudnn(cudnn.cudnnRNNForward(ctx.handle, ctx.rnn.desc, cudnn.CUDNN_FWD_MODE_INFERENCE,
                new IntPointer(devLengths), ctx.xDesc, x, ctx.yDesc, y, ctx.hDesc, hx, hy,
                ctx.cDesc, cx, cy, stack.weightSpaceBytes, stack.weightSpace.address(), work, ws, 0, null),
                "cudnnRNNForward", spec);
        if (timer != null) timer.end(ctx.stream, spec);
        Pointer out = y;
        if (wantY && plan.sumHalves()) {
            // Both halves of y's rows [maxT·N, 2·S] (padding rows are 0 in both: cuDNN's paddingFill) into [maxT·N, S].
            out = ctx.ySum.ensure(outBytes, spec);
            sumKernels.launch(eb == 4 ? GpuOps.Kernel.SUM_DIRECTIONS : GpuOps.Kernel.SUM_DIRECTIONS_HALF, ctx.stream,
                    (long) maxT * n * s, spec, null, y, CudaGpuOps.byteAt(y, (long) s * eb), yChannels, out, maxT * n, s);
        }

        ByteBuffer yStage = wantY && outBytes <= pinnedLimit ? ctx.yHost.ensure(outBytes) : null;
        if (yStage != null) copyToHost(ctx, ctx.yHost.address(), out, outBytes, "y");
        Pointer yHost = wantY && yStage == null ? download(ctx, out, outBytes, eb, "y") : null;
        Pointer hHost = wantH ? download(ctx, hy, hBytes, eb, "hy") : null;
        Pointer cHost = wantC ? download(ctx, cy, cBytes, eb, "cy") : null;
        CudaErrors.cuda(cudart.cudaStreamSynchronize(ctx.stream), "cudaStreamSynchronize (forward)", spec);
        if (timer != null) lastDeviceMicros = timer.micros(spec);

        // Only now, after every native call succeeded, are the caller's results built.
        float[] yOut = !wantY ? null
                : yStage == null ? staging.unpackY(floats(yHost, maxT * n * outChannels, eb), in.layout(), outChannels)
                : eb == 4 ? staging.unpackY(yStage.asFloatBuffer(), in.layout(), outChannels)
                : staging.unpackYHalf(yStage.asShortBuffer(), in.layout(), outChannels);
        float[] hOut = wantH ? floats(hHost, ld * n * s, eb) : null;
        float[] cOut = wantC ? floats(cHost, ld * n * h, eb) : null;
        if (hOut != null) staging.restoreZeroLengthStates(hOut, in.initialH(), ld, s);
        if (cOut != null) staging.restoreZeroLengthStates(cOut, in.initialC(), ld, h);
        return new RnnOutput(yOut, hOut, cOut, in.layout(), in.steps(), n, spec.outputSize());
    }

    private void upload(CudnnContext ctx, Pointer device, Pointer host, long bytes, String what) {
        CudaErrors.cuda(cudart.cudaMemcpyAsync(device, host, bytes, cudart.cudaMemcpyHostToDevice, ctx.stream),
                "cudaMemcpyAsync (" + what + " to device, " + bytes + " bytes)", spec());
    }

    private Pointer download(CudnnContext ctx, Pointer device, long bytes, int eb, String what) {
        Pointer host = eb == 4 ? new FloatPointer(bytes / 4) : new ShortPointer(bytes / 2);
        copyToHost(ctx, host, device, bytes, what);
        return host;
    }

    private void copyToHost(CudnnContext ctx, Pointer host, Pointer device, long bytes, String what) {
        CudaErrors.cuda(cudart.cudaMemcpyAsync(host, device, bytes, cudart.cudaMemcpyDeviceToHost, ctx.stream),
                "cudaMemcpyAsync (" + what + " to host, " + bytes + " bytes)", spec());
    }

    /** Host copy of {@code values} as float or half. Pageable memory: the copy completes before it returns. */
    private static Pointer host(float[] values, int eb) {
        if (eb == 4) return new FloatPointer(values);
        short[] half = new short[values.length];
        for (int i = 0; i < values.length; i++) half[i] = Half.fromFloat(values[i]);
        return new ShortPointer(half);
    }

    private static float[] floats(Pointer host, int count, int eb) {
        float[] out = new float[count];
        if (eb == 4) {
            ((FloatPointer) host).get(out);
        } else {
            short[] half = new short[count];
            ((ShortPointer) host).get(half);
            for (int i = 0; i < count; i++) out[i] = Half.toFloat(half[i]);
        }
        return out;
    }

    /** The composed twin for calls with non-finite data ({@link CudnnPlan#losesNaN}); built once, on first use. */
    private synchronized ComposedPreparedRnn nanExact() {
        if (nanExact == null) nanExact = new ComposedPreparedRnn(CudaErrors.BACKEND, spec(), nanExactWeights, new CudaDevice(device, spec(), pinnedLimit));
        return nanExact;
    }

    @Override
    protected void release() {
        // The weight space and contexts belong to our device; the closing thread may have another one current (each
        // context and the composed twin also make their device current before they free anything).
        cudart.cudaSetDevice(device);
        try {
            synchronized (this) {
                if (nanExact != null) nanExact.close();
            }
        } finally {
            pool.closeAll(); // waits for each context's stream: no kernel of ours is still queued after this
            if (sumKernels != null) sumKernels.close();
            stack.close();
        }
    }
}
