package org.rnn4j.cudnn;

import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.BytePointer;
import org.rnn4j.RnnSpec;
import org.rnn4j.nativecommon.NativeErrors;

/**
 * The single place where cuDNN and CUDA runtime statuses become {@link org.rnn4j.NativeBackendException}s, carrying
 * the status name as the library spells it ({@code cudnnGetErrorString}: "CUDNN_STATUS_BAD_PARAM";
 * {@code cudaGetErrorName}: "cudaErrorMemoryAllocation") and its code. Stateless and thread-safe. Only called once
 * the natives have loaded (the probe checks that first); a failing name lookup degrades to "status N".
 */
final class CudaErrors {
    static final String BACKEND = "cudnn";
    private static final NativeErrors CUDNN = new NativeErrors(BACKEND,
            safely(code -> string(cudnn.cudnnGetErrorString(code))), Pattern.compile("CUDNN_STATUS_[A-Z_]+"));
    private static final NativeErrors CUDA = new NativeErrors(BACKEND,
            safely(code -> string(cudart.cudaGetErrorName(code))), Pattern.compile("cudaError[A-Za-z]+"));

    private static final NativeErrors NVRTC = new NativeErrors(BACKEND,
            safely(code -> string(org.bytedeco.cuda.global.nvrtc.nvrtcGetErrorString(code))), Pattern.compile("NVRTC_ERROR_[A-Z_]+"));

    private static final NativeErrors DRIVER = new NativeErrors(BACKEND, safely(CudaErrors::driverName), Pattern.compile("CUDA_ERROR_[A-Z_]+"));
    private static final NativeErrors CUBLAS = new NativeErrors(BACKEND,
            safely(code -> string(org.bytedeco.cuda.global.cublas.cublasGetStatusName(code))), Pattern.compile("CUBLAS_STATUS_[A-Z_]+"));

    private CudaErrors() {}

    /** Throws unless {@code status} is {@code CUDNN_STATUS_SUCCESS} (0). */
    static void cudnn(int status, String operation, RnnSpec spec) {
        if (status != 0) CUDNN.check(status, 0, operation, spec);
    }

    /** Throws unless {@code status} is {@code cudaSuccess} (0). */
    static void cuda(int status, String operation, RnnSpec spec) {
        if (status != 0) CUDA.check(status, 0, operation, spec);
    }

    /** Throws unless {@code status} is {@code NVRTC_SUCCESS} (0). */
    static void nvrtc(int status, String operation, RnnSpec spec) {
        if (status != 0) NVRTC.check(status, 0, operation, spec);
    }

    /** Throws unless the driver API's {@code status} is {@code CUDA_SUCCESS} (0). */
    static void driver(int status, String operation, RnnSpec spec) {
        if (status != 0) DRIVER.check(status, 0, operation, spec);
    }

    /** Throws unless {@code status} is {@code CUBLAS_STATUS_SUCCESS} (0). */
    static void cublas(int status, String operation, RnnSpec spec) {
        if (status != 0) CUBLAS.check(status, 0, operation, spec);
    }

    /** "cudaErrorNoDevice (100)". */
    static String cudaStatus(int status) { return CUDA.describeStatus(status); }

    private static IntFunction<String> safely(IntFunction<String> lookup) {
        return code -> {
            try {
                return lookup.apply(code);
            } catch (Throwable t) { // natives gone or broken: report the number alone
                return null;
            }
        };
    }

    private static String driverName(int code) {
        try (org.bytedeco.javacpp.PointerPointer<BytePointer> name = new org.bytedeco.javacpp.PointerPointer<>(1)) {
            return cudart.cuGetErrorName(code, name) == 0 ? string(name.get(BytePointer.class, 0)) : null;
        }
    }

    private static String string(BytePointer p) { return p == null || p.isNull() ? null : p.getString(); }
}
