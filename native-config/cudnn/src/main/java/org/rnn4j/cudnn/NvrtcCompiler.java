package org.rnn4j.cudnn;

import java.util.List;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * Compiles one kernel of {@link KernelSources} to PTX with NVRTC, with the headers it includes and the flags of
 * {@link KernelSources#nvrtcOptions} (the nvcc check's flags). Stateless and thread-safe (each call owns its NVRTC
 * program). Used by {@link CudaKernels} (the composed path loads the PTX with the driver API) and the GPU self-check.
 */
final class NvrtcCompiler {
    private NvrtcCompiler() {}

    /** PTX text of {@code kernel} for compute capability {@code major.minor}; the compile log is in any exception. */
    static String compile(String kernel, int major, int minor) {
        List<String> headers = KernelSources.HEADERS;
        List<String> options = KernelSources.nvrtcOptions(major, minor);
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
                try (SizeTPointer size = new SizeTPointer(1)) {
                    CudaErrors.nvrtc(nvrtc.nvrtcGetPTXSize(program, size), "nvrtcGetPTXSize(" + kernel + ")", null);
                    try (BytePointer ptx = new BytePointer(size.get())) {
                        CudaErrors.nvrtc(nvrtc.nvrtcGetPTX(program, ptx), "nvrtcGetPTX(" + kernel + ")", null);
                        return ptx.getString();
                    }
                }
            } finally {
                nvrtc.nvrtcDestroyProgram(program);
            }
        }
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
