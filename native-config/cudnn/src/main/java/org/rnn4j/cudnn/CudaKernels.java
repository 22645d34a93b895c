package org.rnn4j.cudnn;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;
import org.rnn4j.BackendUnavailableException;
import org.rnn4j.RnnSpec;

/**
 * Kernels loaded on one device (all of them for the composed path, {@link CudnnPlan#nativeKernels} for a native
 * plan): NVRTC compiles each source once per process and target (the images are cached) — a cubin
 * for the device's architecture, or PTX the driver JIT-compiles where NVRTC does not know the device
 * ({@link KernelTarget}) — and each instance loads the modules into the device's primary context and looks up the
 * entry points. Functions are read-only after construction and may be launched from any thread that has the device
 * current; {@link #close()} unloads the modules, once, with the device made current first.
 */
final class CudaKernels implements AutoCloseable {
    /** Threads per block: every kernel takes one thread per element, in 1-D blocks of this size. */
    private static final int BLOCK = 256;
    private static final Map<String, byte[]> IMAGES = new ConcurrentHashMap<>(); // "file@sm_XY" → cubin or PTX
    private static final Map<Integer, KernelTarget> TARGETS = new ConcurrentHashMap<>(); // device arch → target

    private final int device;
    private final Map<String, CUmod_st> modules = new LinkedHashMap<>();
    private final Map<GpuOps.Kernel, CUfunc_st> functions = new EnumMap<>(GpuOps.Kernel.class);

    /** Compiles (or reuses) and loads every kernel for {@code device}, which must be current on this thread. */
    CudaKernels(int device, RnnSpec spec) {
        this(device, spec, EnumSet.allOf(GpuOps.Kernel.class));
    }

    /** As {@link #CudaKernels(int, RnnSpec)}, only the {@code wanted} kernels (only their sources are compiled). */
    CudaKernels(int device, RnnSpec spec, Set<GpuOps.Kernel> wanted) {
        this.device = device;
        try {
            // The driver API needs a current context: cudaFree(NULL) makes sure the runtime has made the device's
            // primary context current on this thread (cudaSetDevice alone does so only from CUDA 12 on).
            CudaErrors.cuda(cudart.cudaFree(null), "cudaFree(NULL) (primary context of device " + device + ")", spec);
            KernelTarget target = target(device, spec);
            for (GpuOps.Kernel k : EnumSet.copyOf(wanted)) {
                CUmod_st module = modules.get(k.file);
                if (module == null) {
                    byte[] image = IMAGES.computeIfAbsent(k.file + "@" + target.name(), key -> NvrtcCompiler.compile(k.file, target));
                    module = new CUmod_st();
                    try (BytePointer data = new BytePointer(image)) {
                        // A cubin loads as is; PTX is JIT-compiled by the driver (which caches the result).
                        CudaErrors.driver(cudart.cuModuleLoadData(module, data), "cuModuleLoadData(" + k.file + ", " + target + ")", spec);
                    }
                    modules.put(k.file, module);
                }
                CUfunc_st function = new CUfunc_st();
                CudaErrors.driver(cudart.cuModuleGetFunction(function, module, k.entry), "cuModuleGetFunction(" + k.entry + ")", spec);
                functions.put(k, function);
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /**
     * What NVRTC compiles to for {@code device}: its architecture from {@code cudaGetDeviceProperties}, matched against
     * {@code nvrtcGetSupportedArchs} ({@link KernelTarget#choose}); cached per architecture.
     */
    static KernelTarget target(int device, RnnSpec spec) {
        int[] cc = computeCapability(device, spec);
        int arch = 10 * cc[0] + cc[1];
        KernelTarget known = TARGETS.get(arch);
        if (known != null) return known;
        int[] supported = NvrtcCompiler.supportedArchitectures();
        KernelTarget chosen = KernelTarget.choose(arch, supported);
        if (chosen == null) {
            throw new BackendUnavailableException("backend 'cudnn' cannot run " + (spec == null ? "its kernels" : spec.caseName())
                    + ": rnn4j compiles its GPU kernels with NVRTC, which supports architectures "
                    + java.util.Arrays.toString(supported) + ", none at or below this GPU's compute capability "
                    + cc[0] + "." + cc[1] + "; install a CUDA " + ProbeFacts.CUDA_MAJOR + " release whose NVRTC supports it "
                    + ProbeFacts.INSTALL_HINT);
        }
        TARGETS.put(arch, chosen);
        return chosen;
    }

    CUfunc_st function(GpuOps.Kernel k) { return functions.get(k); }

    /**
     * Queues {@code kernel} on {@code stream} with one thread per element, {@code threads} in all (nothing when 0).
     * {@code args} as {@link #kernelParams} takes them; {@code address} turns a {@link GpuOps.Ref} into its device
     * address ({@code null} where the caller passes none).
     */
    void launch(GpuOps.Kernel kernel, CUstream_st stream, long threads, RnnSpec spec, ToLongFunction<GpuOps.Ref> address,
                Object... args) {
        if (threads == 0) return;
        CUfunc_st function = functions.get(kernel);
        if (function == null) throw new IllegalStateException(kernel + " was not loaded on device " + device);
        long blocks = (threads + BLOCK - 1) / BLOCK;
        try (PointerScope scope = new PointerScope()) {
            CudaErrors.driver(cudart.cuLaunchKernel(function, (int) blocks, 1, 1, BLOCK, 1, 1, 0, stream,
                    kernelParams(kernel, args, address), null), "cuLaunchKernel(" + kernel.entry + ", " + threads + " threads)", spec);
        }
    }

    /**
     * cuLaunchKernel's {@code kernelParams}: an array of pointers, each to a host copy of one argument's value (the
     * values are copied at launch): 8-byte device addresses for pointers ({@link GpuOps.Ref} through {@code address},
     * a JavaCPP {@link Pointer} holding a device address, 0 for {@code null}), 4-byte int and float. Call inside a
     * {@link PointerScope}, which frees the holders.
     */
    static PointerPointer<Pointer> kernelParams(GpuOps.Kernel kernel, Object[] args, ToLongFunction<GpuOps.Ref> address) {
        PointerPointer<Pointer> params = new PointerPointer<>(args.length);
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            Pointer value;
            if (a == null) value = new LongPointer(1).put(0L);
            else if (a instanceof GpuOps.Ref && address != null) value = new LongPointer(1).put(address.applyAsLong((GpuOps.Ref) a));
            else if (a instanceof Pointer) value = new LongPointer(1).put(((Pointer) a).address());
            else if (a instanceof Integer) value = new IntPointer(1).put((Integer) a);
            else if (a instanceof Float) value = new FloatPointer(1).put((Float) a);
            else throw new IllegalArgumentException(kernel + ": argument of type " + a.getClass().getName());
            params.put(i, value);
        }
        return params;
    }

    /**
     * Tests only: forgets the cached images and targets, so the next instance asks NVRTC again (the fault-injection
     * test makes every NVRTC call fail in turn this way). Instances already built keep their loaded modules.
     */
    static void forgetCompiledImages() {
        IMAGES.clear();
        TARGETS.clear();
    }

    /** {major, minor} of {@code device}, e.g. {9, 0} on an H100. */
    static int[] computeCapability(int device, RnnSpec spec) {
        try (cudaDeviceProp prop = new cudaDeviceProp()) {
            CudaErrors.cuda(cudart.cudaGetDeviceProperties(prop, device), "cudaGetDeviceProperties(" + device + ")", spec);
            return new int[] {prop.major(), prop.minor()};
        }
    }

    @Override
    public void close() {
        // cuModuleUnload unloads from the current context: the closing thread may have another device current.
        if (!modules.isEmpty()) cudart.cudaSetDevice(device);
        functions.clear();
        for (CUmod_st m : List.copyOf(modules.values())) cudart.cuModuleUnload(m);
        modules.clear();
    }
}
