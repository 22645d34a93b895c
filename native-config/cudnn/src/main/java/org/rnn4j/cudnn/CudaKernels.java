package org.rnn4j.cudnn;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.rnn4j.RnnSpec;

/**
 * The composed path's kernels loaded on one device: NVRTC compiles each source once per process and compute
 * capability (the PTX is cached), and each instance loads the modules into the device's primary context and looks up
 * the entry points. Functions are read-only after construction and may be launched from any thread that has the
 * device current; {@link #close()} unloads the modules, once.
 */
final class CudaKernels implements AutoCloseable {
    private static final Map<String, String> PTX = new ConcurrentHashMap<>(); // "file@compute_XY" → PTX

    private final Map<String, CUmod_st> modules = new LinkedHashMap<>();
    private final Map<GpuOps.Kernel, CUfunc_st> functions = new EnumMap<>(GpuOps.Kernel.class);

    /** Compiles (or reuses) and loads every kernel for {@code device}, which must be current on this thread. */
    CudaKernels(int device, RnnSpec spec) {
        try {
            // The driver API needs a current context: cudaFree(NULL) makes sure the runtime has made the device's
            // primary context current on this thread (cudaSetDevice alone does so only from CUDA 12 on).
            CudaErrors.cuda(cudart.cudaFree(null), "cudaFree(NULL) (primary context of device " + device + ")", spec);
            int[] cc = computeCapability(device, spec);
            for (GpuOps.Kernel k : GpuOps.Kernel.values()) {
                CUmod_st module = modules.get(k.file);
                if (module == null) {
                    String ptx = PTX.computeIfAbsent(k.file + "@compute_" + cc[0] + cc[1], key -> NvrtcCompiler.compile(k.file, cc[0], cc[1]));
                    module = new CUmod_st();
                    try (BytePointer image = new BytePointer(ptx)) {
                        // cuModuleLoadData JIT-compiles the PTX for the device (the driver caches the result).
                        CudaErrors.driver(cudart.cuModuleLoadData(module, image), "cuModuleLoadData(" + k.file + ")", spec);
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

    CUfunc_st function(GpuOps.Kernel k) { return functions.get(k); }

    /**
     * Tests only: forgets the cached PTX, so the next instance compiles with NVRTC again (the fault-injection test
     * makes every NVRTC call fail in turn this way). Instances already built keep their loaded modules.
     */
    static void forgetCompiledPtx() { PTX.clear(); }

    /** {major, minor} of {@code device}, e.g. {9, 0} on an H100. */
    static int[] computeCapability(int device, RnnSpec spec) {
        try (cudaDeviceProp prop = new cudaDeviceProp()) {
            CudaErrors.cuda(cudart.cudaGetDeviceProperties(prop, device), "cudaGetDeviceProperties(" + device + ")", spec);
            return new int[] {prop.major(), prop.minor()};
        }
    }

    @Override
    public void close() {
        functions.clear();
        for (CUmod_st m : List.copyOf(modules.values())) cudart.cuModuleUnload(m);
        modules.clear();
    }
}
