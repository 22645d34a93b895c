package org.rnn4j.cudnn;

import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.Loader;

/**
 * Gathers {@link ProbeFacts}: finds, in order, the CUDA runtime (with its and the driver's versions), a GPU, NVRTC
 * (reported, needed only by the composed path) and cuDNN (with the CUDA version it was built for); names the first
 * one missing and how to get it. Never throws; stateless (callers cache).
 */
final class CudaProbe {
    private CudaProbe() {}

    /** The probe for the GPU {@code -Drnn4j.cudnn.device} names (0 when unset). */
    static ProbeFacts run() {
        int device;
        try {
            device = ProbeFacts.deviceIndex(System.getProperty(ProbeFacts.DEVICE_PROPERTY));
        } catch (IllegalArgumentException e) {
            return ProbeFacts.missing(e.getMessage());
        }
        return run(device);
    }

    /** The probe for GPU {@code device}. */
    static ProbeFacts run(int device) {
        try {
            Loader.load(cudart.class);
        } catch (Throwable e) {
            return ProbeFacts.missing("CUDA runtime not loadable (" + oneLine(e) + "); install an NVIDIA driver and "
                    + "the CUDA " + ProbeFacts.CUDA_MAJOR + " runtime " + ProbeFacts.INSTALL_HINT);
        }
        int[] driver = new int[1];
        int[] runtime = new int[1];
        try {
            // Both work without a usable GPU: the driver's own version, and the runtime library's.
            if (cudart.cuDriverGetVersion(driver) != 0) driver[0] = 0;
            if (cudart.cudaRuntimeGetVersion(runtime) != 0) runtime[0] = 0;
        } catch (Throwable ignored) {
            // versions are for the report; the device query below decides
        }
        int[] count = new int[1];
        int status;
        try {
            status = cudart.cudaGetDeviceCount(count);
        } catch (Throwable e) {
            return failed("CUDA device query failed (" + oneLine(e) + ")", device, driver[0], runtime[0]);
        }
        if (status != 0) {
            return failed("no usable NVIDIA GPU: cudaGetDeviceCount returned " + CudaErrors.cudaStatus(status)
                    + "; check the driver with nvidia-smi", device, driver[0], runtime[0]);
        }
        if (count[0] == 0) return failed("no NVIDIA GPU found (cudaGetDeviceCount = 0)", device, driver[0], runtime[0]);
        String name = "";
        if (device >= 0 && device < count[0]) {
            try (cudaDeviceProp prop = new cudaDeviceProp()) {
                if (cudart.cudaGetDeviceProperties(prop, device) == 0) name = prop.name().getString();
            } catch (Throwable ignored) {
                // the name is decoration; the decision does not depend on it
            }
        }
        int nvrtcVersion = 0;
        try {
            Loader.load(nvrtc.class);
            int[] major = new int[1];
            int[] minor = new int[1];
            if (nvrtc.nvrtcVersion(major, minor) == 0) nvrtcVersion = 1000 * major[0] + 10 * minor[0];
        } catch (Throwable ignored) {
            // reported as "not loadable"; the native path runs without NVRTC
        }
        long version;
        long builtFor;
        try {
            Loader.load(cudnn.class);
            version = cudnn.cudnnGetVersion();
            builtFor = cudnn.cudnnGetCudartVersion();
        } catch (Throwable e) {
            return failed(count[0] + " GPU(s) found but cuDNN 9 (libcudnn.so.9) is not loadable (" + oneLine(e)
                    + "); install cuDNN 9 for CUDA " + ProbeFacts.CUDA_MAJOR + " " + ProbeFacts.INSTALL_HINT, device, driver[0], runtime[0]);
        }
        return new ProbeFacts(null, count[0], device, name, driver[0], runtime[0], nvrtcVersion, version, builtFor);
    }

    /** A missing piece found after the versions were read: they still go into the decision (a too-old driver). */
    private static ProbeFacts failed(String failure, int device, int driver, int runtime) {
        return new ProbeFacts(failure, 0, device, "", driver, runtime, 0, 0, 0);
    }

    private static String oneLine(Throwable e) {
        String m = e.getClass().getSimpleName() + ": " + e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
