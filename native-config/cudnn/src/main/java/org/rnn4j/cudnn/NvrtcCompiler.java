package org.rnn4j.cudnn;

import java.util.List;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * Compiles one kernel of {@link KernelSources} with NVRTC, with the headers it includes and the flags of
 * {@link KernelSources#nvrtcOptions} (the nvcc check's language flags), to the image {@link KernelTarget} asks for:
 * a cubin or PTX. Stateless and thread-safe (each call owns its NVRTC program). Used by {@link CudaKernels} (the
 * composed path loads the image with the driver API) and the GPU self-check.
 */
final class NvrtcCompiler {
    private NvrtcCompiler() {}

    /**
     * The image of {@code kernel} for {@code target}, as {@code cuModuleLoadData} takes it: the cubin's bytes, or the
     * PTX text with its terminating NUL. The compile log is in any exception.
     */
    static byte[] compile(String kernel, KernelTarget target) {
        List<String> headers = KernelSources.HEADERS;
        List<String> options = KernelSources.nvrtcOptions(target);
        _nvrtcProgram program = new _nvrtcProgram();
        // nvrtcCreateProgram(prog*, src, name, numHeaders, headers[], includeNames[]): headers are given by content
        // and resolved by the names in #include "…".
        try (BytePointer src = new BytePointer(KernelSources.text(kernel));
             BytePointer name = new BytePointer(kernel);
             PointerPointer<BytePointer> headerText = new PointerPointer<>(headers.size());
             PointerPointer<BytePointer> headerNames = new PointerPointer<>(headers.size());
             PointerPointer<BytePointer> opts = new PointerPointer<>(options.size())) {
            for (int i = 0; i < headers.size(); i++) {
                headerText.put(i, new BytePointer(KernelSources.text(headers.get(i))));
                headerNames.put(i, new BytePointer(headers.get(i)));
            }
            for (int i = 0; i < options.size(); i++) opts.put(i, new BytePointer(options.get(i)));
            CudaErrors.nvrtc(nvrtc.nvrtcCreateProgram(program, src, name, headers.size(), headerText, headerNames),
                    "nvrtcCreateProgram(" + kernel + ")", null);
            try {
                int status = nvrtc.nvrtcCompileProgram(program, options.size(), opts);
                if (status != 0) {
                    // NVRTC_ERROR_COMPILATION: the compiler's log says why; it goes into the exception's operation.
                    CudaErrors.nvrtc(status, "nvrtcCompileProgram(" + kernel + ", " + options + "): " + log(program), null);
                }
                return target.cubin() ? cubin(program, kernel, target) : ptx(program, kernel);
            } finally {
                nvrtc.nvrtcDestroyProgram(program);
            }
        }
    }

    private static byte[] ptx(_nvrtcProgram program, String kernel) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            // The size includes the terminating NUL, which cuModuleLoadData needs to find the end of PTX text.
            CudaErrors.nvrtc(nvrtc.nvrtcGetPTXSize(program, size), "nvrtcGetPTXSize(" + kernel + ")", null);
            byte[] image = new byte[checkedSize(size.get(), "PTX", kernel)];
            CudaErrors.nvrtc(nvrtc.nvrtcGetPTX(program, image), "nvrtcGetPTX(" + kernel + ")", null);
            return image;
        }
    }

    private static byte[] cubin(_nvrtcProgram program, String kernel, KernelTarget target) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            CudaErrors.nvrtc(nvrtc.nvrtcGetCUBINSize(program, size), "nvrtcGetCUBINSize(" + kernel + ")", null);
            // NVRTC reports 0 when the architecture was virtual (compute_XY): a cubin target must not get there.
            if (size.get() == 0) throw new IllegalStateException("nvrtcGetCUBINSize(" + kernel + "): no cubin for " + target);
            byte[] image = new byte[checkedSize(size.get(), "cubin", kernel)];
            CudaErrors.nvrtc(nvrtc.nvrtcGetCUBIN(program, image), "nvrtcGetCUBIN(" + kernel + ")", null);
            return image;
        }
    }

    private static int checkedSize(long size, String what, String kernel) {
        if (size <= 0 || size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("NVRTC reported a " + what + " of " + size + " bytes for " + kernel);
        }
        return (int) size;
    }

    /** {@code nvrtcGetSupportedArchs}: the architectures ({@code 10·major + minor}) this NVRTC compiles for, ascending. */
    static int[] supportedArchitectures() {
        int[] count = new int[1];
        CudaErrors.nvrtc(nvrtc.nvrtcGetNumSupportedArchs(count), "nvrtcGetNumSupportedArchs", null);
        int[] archs = new int[count[0]];
        if (count[0] > 0) CudaErrors.nvrtc(nvrtc.nvrtcGetSupportedArchs(archs), "nvrtcGetSupportedArchs", null);
        return archs;
    }

    private static String log(_nvrtcProgram program) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            if (nvrtc.nvrtcGetProgramLogSize(program, size) != 0) return "(no log)";
            try (BytePointer log = new BytePointer(size.get())) {
                return nvrtc.nvrtcGetProgramLog(program, log) == 0 ? log.getString() : "(no log)";
            }
        }
    }
}
