package org.rnn4j.cudnn;

import java.nio.ByteBuffer;
import java.util.Set;
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
 * ({@link GpuOps.Kernel#SUM_DIRECTIONS}), so only the sum comes back to the host; F16 data crosses to and from the
 * host as floats, converted on the device ({@link GpuOps.Kernel#HALF_PACK}, {@link GpuOps.Kernel#HALF_UNPACK}); see
 * {@link CudnnPlan#nativeKernels}. A call with NaN or ±Inf in its data on a plan whose kernels may lose NaN
 * ({@link CudnnPlan#losesNaN}) runs on a composed twin instead, built on the first such call. {@code close()}
 * (idempotent, waits for calls) frees all device memory and handles, the kernels' and the twin's included.
 */
final class CudnnPreparedRnn extends AbstractPreparedRnn {
    private final CudnnPlan plan;
    private final int device;
    private final CudnnStack stack;
    private final ContextPool<CudnnContext> pool;
    /**
     * The kernels of ours this plan launches, loaded on our device at prepare: BIDIRECTIONAL_SUM's direction sum and
     * F16's conversions; null for an F32 plan of another direction.
     */
    private final CudaKernels kernels;
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
        Set<GpuOps.Kernel> wanted = plan.nativeKernels();
        CudaKernels loaded = null;
        try {
            if (!wanted.isEmpty()) {
                // Before any native work: a missing NVRTC is reported, not found after the weights were uploaded.
                boolean sum = plan.sumHalves();
                boolean half = stack.elementBytes() == 2;
                CudaDevice.requireLibraries(spec, (sum && half ? "BIDIRECTIONAL_SUM's addition and F16's conversions run"
                        : sum ? "BIDIRECTIONAL_SUM's addition runs" : "F16's conversions run")
                        + " on the GPU in kernels compiled with NVRTC", nvrtc.class);
            }
            CudnnContext first = pool.take();
            try {
                stack.build(first, weights);
            } finally {
                pool.give(first);
            }
            // The context made our device current on this thread.
            if (!wanted.isEmpty()) loaded = new CudaKernels(device, spec, wanted);
        } catch (RuntimeException | Error e) {
            release();
            throw e;
        }
        this.kernels = loaded;
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
        // Element counts; device tensors hold the data type (eb bytes each), the host side always floats.
        long xCount = (long) maxT * n * plan.inputSize();
        long yCount = (long) maxT * n * yChannels;
        long outCount = (long) maxT * n * outChannels;
        long hCount = (long) ld * n * s;
        long cCount = (long) ld * n * h;
        // F16: every tensor's floats pass through the context's float buffer, where a kernel converts them. One buffer
        // serves them all in turn: the stream runs each copy and its kernel before the next tensor's.
        if (eb == 2) ctx.floats.ensure(4 * Math.max(Math.max(xCount, outCount), Math.max(hCount, cCount)), spec);
        Pointer x = ctx.x.ensure(xCount * eb, spec);
        Pointer y = ctx.y.ensure(yCount * eb, spec);
        Pointer out = wantY && plan.sumHalves() ? ctx.ySum.ensure(outCount * eb, spec) : y;
        Pointer ws = ctx.workSpace.ensure(work, spec);
        // NULL hx / cx mean zero initial states; NULL hy / cy mean "do not write final states".
        Pointer hx = in.initialH() != null ? ctx.hx.ensure(hCount * eb, spec) : null;
        Pointer cx = lstm && in.initialC() != null ? ctx.cx.ensure(cCount * eb, spec) : null;
        Pointer hy = wantH ? ctx.hy.ensure(hCount * eb, spec) : null;
        Pointer cy = wantC ? ctx.cy.ensure(cCount * eb, spec) : null;
        // devSeqLengths: the same int32[N] as the descriptors' seqLengthArray, but in device memory.
        Pointer devLengths = ctx.seqLengths.ensure(4L * n, spec);

        // Every buffer is in place (a regrown one's cudaFree waits for the device): now the work is queued.
        upload(ctx, devLengths, new IntPointer(lengths), 4L * n, "sequence lengths");
        ByteBuffer stage = 4 * xCount <= pinnedLimit ? ctx.xHost.ensure(4 * xCount) : null;
        if (stage != null) {
            staging.packX(in.x(), in.layout(), plan.inputSize(), stage.asFloatBuffer());
            toDevice(ctx, x, ctx.xHost.address(), xCount, "x");
        } else {
            toDevice(ctx, x, new FloatPointer(staging.packX(in.x(), in.layout(), plan.inputSize())), xCount, "x");
        }
        if (hx != null) toDevice(ctx, hx, new FloatPointer(in.initialH()), hCount, "hx");
        if (cx != null) toDevice(ctx, cx, new FloatPointer(in.initialC()), cCount, "cx");

        StreamTimer timer = timeDevice ? ctx.timer(spec) : null;
        if (timer != null) timer.start(ctx.stream, spec);
        CudaErrors.cudnn(cudnn.cudnnRNNForward(ctx.handle, ctx.rnn.desc, cudnn.CUDNN_FWD_MODE_INFERENCE,
                new IntPointer(devLengths), ctx.xDesc, x, ctx.yDesc, y, ctx.hDesc, hx, hy,
                ctx.cDesc, cx, cy, stack.weightSpaceBytes, stack.weightSpace.address(), work, ws, 0, null),
                "cudnnRNNForward", spec);
        if (timer != null) timer.end(ctx.stream, spec);
        if (out != y) {
            // Both halves of y's rows [maxT·N, 2·S] (padding rows are 0 in both: cuDNN's paddingFill) into [maxT·N, S].
            kernels.launch(plan.sumKernel(), ctx.stream, outCount, spec, null, y, CudaGpuOps.byteAt(y, (long) s * eb),
                    yChannels, out, maxT * n, s);
        }

        ByteBuffer yStage = wantY && 4 * outCount <= pinnedLimit ? ctx.yHost.ensure(4 * outCount) : null;
        if (yStage != null) toHost(ctx, ctx.yHost.address(), out, outCount, "y");
        FloatPointer yHost = wantY && yStage == null ? toHost(ctx, new FloatPointer(outCount), out, outCount, "y") : null;
        FloatPointer hHost = wantH ? toHost(ctx, new FloatPointer(hCount), hy, hCount, "hy") : null;
        FloatPointer cHost = wantC ? toHost(ctx, new FloatPointer(cCount), cy, cCount, "cy") : null;
        CudaErrors.cuda(cudart.cudaStreamSynchronize(ctx.stream), "cudaStreamSynchronize (forward)", spec);
        if (timer != null) lastDeviceMicros = timer.micros(spec);

        // Only now, after every native call succeeded, are the caller's results built.
        float[] yOut = !wantY ? null
                : yStage != null ? staging.unpackY(yStage.asFloatBuffer(), in.layout(), outChannels)
                : staging.unpackY(floats(yHost, outCount), in.layout(), outChannels);
        float[] hOut = wantH ? floats(hHost, hCount) : null;
        float[] cOut = wantC ? floats(cHost, cCount) : null;
        if (hOut != null) staging.restoreZeroLengthStates(hOut, in.initialH(), ld, s);
        if (cOut != null) staging.restoreZeroLengthStates(cOut, in.initialC(), ld, h);
        return new RnnOutput(yOut, hOut, cOut, in.layout(), in.steps(), n, spec.outputSize());
    }

    /**
     * Queues {@code count} floats at {@code host} into device tensor {@code dst} of the plan's data type: one copy
     * (F32), or a copy into the context's float buffer and a kernel packing it into {@code dst}'s halves (F16).
     */
    private void toDevice(CudnnContext ctx, Pointer dst, Pointer host, long count, String what) {
        if (stack.elementBytes() == 4) {
            upload(ctx, dst, host, 4 * count, what);
            return;
        }
        Pointer floats = ctx.floats.address();
        upload(ctx, floats, host, 4 * count, what);
        kernels.launch(GpuOps.Kernel.HALF_PACK, ctx.stream, count, spec(), null, floats, dst, Math.toIntExact(count));
    }

    /**
     * Queues {@code count} elements of device tensor {@code src} (the plan's data type) to {@code host} as floats: one
     * copy (F32), or a kernel widening them into the context's float buffer and a copy of that (F16). Returns
     * {@code host}.
     */
    private <P extends Pointer> P toHost(CudnnContext ctx, P host, Pointer src, long count, String what) {
        Pointer from = src;
        if (stack.elementBytes() == 2) {
            from = ctx.floats.address();
            kernels.launch(GpuOps.Kernel.HALF_UNPACK, ctx.stream, count, spec(), null, src, from, Math.toIntExact(count));
        }
        CudaErrors.cuda(cudart.cudaMemcpyAsync(host, from, 4 * count, cudart.cudaMemcpyDeviceToHost, ctx.stream),
                "cudaMemcpyAsync (" + what + " to host, " + 4 * count + " bytes)", spec());
        return host;
    }

    private void upload(CudnnContext ctx, Pointer device, Pointer host, long bytes, String what) {
        CudaErrors.cuda(cudart.cudaMemcpyAsync(device, host, bytes, cudart.cudaMemcpyHostToDevice, ctx.stream),
                "cudaMemcpyAsync (" + what + " to device, " + bytes + " bytes)", spec());
    }

    private static float[] floats(FloatPointer host, long count) {
        float[] out = new float[Math.toIntExact(count)];
        host.get(out);
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
            if (kernels != null) kernels.close();
            stack.close();
        }
    }
}
