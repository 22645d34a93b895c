package org.rnn4j.cudnn;

import java.util.Set;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
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
    /**
     * Uploads and downloads up to this many bytes (each a whole {@link NativeIo} region) are staged in each context's
     * pinned buffers.
     */
    private final long pinnedLimit;
    /** The weights, kept only where calls with non-finite data must run on the NaN-exact composed path. */
    private final RnnWeights nanExactWeights;
    private ComposedPreparedRnn nanExact; // built on the first such call; guarded by this
    /** Elements per F16 conversion launch: {@link #CONVERT_CHUNK}, smaller only in the stand-in's tests. */
    private volatile long convertChunk = CONVERT_CHUNK;
    /** Bench only: record CUDA events around each {@code cudnnRNNForward} and keep the last call's GPU time. */
    private volatile boolean timeDevice;
    private volatile double lastDeviceMicros = Double.NaN;

    /** {@code pinnedLimit}: the largest upload or download staged in pinned memory ({@link PinnedBuffer#limitBytes}). */
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

    /**
     * Tests only: F16 conversions launched in chunks of {@code elements}, so that chunks after the first (a copy of
     * over 2^30 elements on a GPU) run on small shapes.
     */
    void convertInChunksOf(long elements) {
        convertChunk = elements;
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
        boolean sum = plan.sumHalves();
        int outChannels = sum ? s : yChannels; // Y's channels: cuDNN's y, or its two directions added
        int eb = stack.elementBytes();
        boolean lstm = plan.cellMode() == CudnnPlan.CUDNN_LSTM;
        boolean wantY = in.wants(OutputKind.Y, spec);
        boolean wantH = in.wants(OutputKind.H_FINAL, spec);
        boolean wantC = lstm && in.wants(OutputKind.C_FINAL, spec);
        boolean hasHx = in.initialH() != null;
        boolean hasCx = lstm && in.initialC() != null;
        int[] lengths = staging.cudnnLengths();
        long work = ctx.describe(plan, maxT, lengths, spec);

        // Element counts; device tensors hold the data type (eb bytes each), the host side always floats.
        long xCount = (long) maxT * n * plan.inputSize();
        long yCount = (long) maxT * n * yChannels;
        long outCount = (long) maxT * n * outChannels;
        long hCount = (long) ld * n * s;
        long cCount = (long) ld * n * h;
        NativeIo io = new NativeIo(xCount, hasHx ? hCount : 0, hasCx ? cCount : 0, n, wantH ? hCount : 0, wantC ? cCount : 0,
                sum ? (wantY ? outCount : 0) : yCount, wantY);
        Pointer up = ctx.up.ensure(io.uploadEnd * eb, spec);
        Pointer down = ctx.down.ensure(io.downloadRegion * eb, spec);
        // F16: both copies' floats pass through the context's float buffer, where a kernel converts them; the stream
        // runs the upload's packing before the forward, and the forward before the download's widening.
        Pointer floats = eb == 2 ? ctx.floats.ensure(4 * Math.max(io.uploadEnd, io.downloadEnd), spec) : null;
        Pointer y = sum ? ctx.y.ensure(yCount * eb, spec) : CudaGpuOps.byteAt(down, io.y * eb);
        Pointer ws = ctx.workSpace.ensure(work, spec);
        Pointer x = CudaGpuOps.byteAt(up, io.x * eb);
        // NULL hx / cx mean zero initial states; NULL hy / cy mean "do not write final states".
        Pointer hx = hasHx ? CudaGpuOps.byteAt(up, io.hx * eb) : null;
        Pointer cx = hasCx ? CudaGpuOps.byteAt(up, io.cx * eb) : null;
        Pointer hy = wantH ? CudaGpuOps.byteAt(down, io.hy * eb) : null;
        Pointer cy = wantC ? CudaGpuOps.byteAt(down, io.cy * eb) : null;
        // devSeqLengths: the same int32[N] as the descriptors' seqLengthArray, uploaded with the data (F16: left in
        // the float buffer, which the packing kernel does not convert).
        Pointer devLengths = CudaGpuOps.byteAt(eb == 2 ? floats : up, io.lengths * 4);

        // Every buffer is in place (a regrown one's cudaFree waits for the device): now the work is queued.
        HostStage upHost = HostStage.of(ctx.upHost, io.uploadEnd, pinnedLimit);
        upHost.packX(staging, in, plan.inputSize()); // io.x is 0
        if (hasHx) upHost.put(io.hx, in.initialH());
        if (hasCx) upHost.put(io.cx, in.initialC());
        upHost.put(io.lengths, lengths);
        if (eb == 4) {
            copy(ctx, up, upHost.address(), 4 * io.uploadEnd, cudart.cudaMemcpyHostToDevice, "x, initial states and lengths to device");
        } else {
            copy(ctx, floats, upHost.address(), 4 * io.uploadEnd, cudart.cudaMemcpyHostToDevice, "x, initial states and lengths to device");
            convert(ctx, GpuOps.Kernel.HALF_PACK, floats, 4, up, 2, io.lengths);
        }

        StreamTimer timer = timeDevice ? ctx.timer(spec) : null;
        if (timer != null) timer.start(ctx.stream, spec);
        CudaErrors.cudnn(cudnn.cudnnRNNForward(ctx.handle, ctx.rnn.desc, cudnn.CUDNN_FWD_MODE_INFERENCE,
                new IntPointer(devLengths), ctx.xDesc, x, ctx.yDesc, y, ctx.hDesc, hx, hy,
                ctx.cDesc, cx, cy, stack.weightSpaceBytes, stack.weightSpace.address(), work, ws, 0, null),
                "cudnnRNNForward", spec);
        if (timer != null) timer.end(ctx.stream, spec);
        if (sum && wantY) {
            // Both halves of y's rows [maxT·N, 2·S] (padding rows are 0 in both: cuDNN's paddingFill) into [maxT·N, S].
            kernels.launch(plan.sumKernel(), ctx.stream, outCount, spec, null, y, CudaGpuOps.byteAt(y, (long) s * eb),
                    yChannels, CudaGpuOps.byteAt(down, io.y * eb), maxT * n, s);
        }

        HostStage downHost = io.downloadEnd > 0 ? HostStage.of(ctx.downHost, io.downloadEnd, pinnedLimit) : null;
        if (downHost != null) {
            Pointer from = down;
            if (eb == 2) {
                convert(ctx, GpuOps.Kernel.HALF_UNPACK, down, 2, floats, 4, io.downloadEnd);
                from = floats;
            }
            copy(ctx, downHost.address(), from, 4 * io.downloadEnd, cudart.cudaMemcpyDeviceToHost, "final states and y to host");
        }
        CudaErrors.cuda(cudart.cudaStreamSynchronize(ctx.stream), "cudaStreamSynchronize (forward)", spec);
        if (timer != null) lastDeviceMicros = timer.micros(spec);

        // Only now, after every native call succeeded, are the caller's results built.
        float[] yOut = wantY ? downHost.unpackY(staging, io.y, outCount, in.layout(), outChannels) : null;
        float[] hOut = wantH ? downHost.get(io.hy, hCount) : null;
        float[] cOut = wantC ? downHost.get(io.cy, cCount) : null;
        if (hOut != null) staging.restoreZeroLengthStates(hOut, in.initialH(), ld, s);
        if (cOut != null) staging.restoreZeroLengthStates(cOut, in.initialC(), ld, h);
        return new RnnOutput(yOut, hOut, cOut, in.layout(), in.steps(), n, spec.outputSize());
    }

    /** Elements per conversion launch: the kernels count in int, and one copy may hold more (several tensors). */
    static final long CONVERT_CHUNK = 1L << 30;

    /**
     * Queues F16's conversion of {@code count} elements from {@code src} ({@code srcBytes} each) to {@code dst}, in
     * launches of at most {@link #CONVERT_CHUNK} elements.
     */
    private void convert(CudnnContext ctx, GpuOps.Kernel kernel, Pointer src, int srcBytes, Pointer dst, int dstBytes, long count) {
        inChunks(count, convertChunk, (from, n) -> kernels.launch(kernel, ctx.stream, n, spec(), null,
                CudaGpuOps.byteAt(src, from * srcBytes), CudaGpuOps.byteAt(dst, from * dstBytes), n));
    }

    /** A chunk of elements: {@code count} of them from {@code from}. */
    interface Chunk { void run(long from, int count); }

    /** {@code [0, count)} in consecutive chunks of at most {@code chunk} elements, in order. */
    static void inChunks(long count, long chunk, Chunk each) {
        for (long from = 0; from < count; from += chunk) each.run(from, (int) Math.min(chunk, count - from));
    }

    private void copy(CudnnContext ctx, Pointer dst, Pointer src, long bytes, int kind, String what) {
        CudaErrors.cuda(cudart.cudaMemcpyAsync(dst, src, bytes, kind, ctx.stream), "cudaMemcpyAsync (" + what + ", " + bytes + " bytes)", spec());
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
