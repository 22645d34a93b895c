package org.rnn4j.cudnn;

import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.Loader;

/**
 * Gathers {@link ProbeFacts}: finds, in order, the CUDA runtime, a GPU, and cuDNN; names the first one missing and
 * how to get it. Never throws; stateless (callers cache).
 */
final class CudaProbe {
    private CudaProbe() {}

    static ProbeFacts run() {
        int device;
        try {
            device = ProbeFacts.deviceIndex(System.getProperty(ProbeFacts.DEVICE_PROPERTY));
        } catch (IllegalArgumentException e) {
            return ProbeFacts.missing(e.getMessage());
        }
        try {
            Loader.load(cudart.class);
        } catch (Throwable e) {
            return ProbeFacts.missing("CUDA runtime not loadable (" + oneLine(e) + "); install an NVIDIA driver and "
                    + "the CUDA 13 runtime, or add org.bytedeco:cuda:13.1-9.19-1.5.13 with classifier <platform>-redist");
        }
        int[] count = new int[1];
        int status;
        try {
            status = cudart.cudaGetDeviceCount(count);
        } catch (Throwable e) {
            return ProbeFacts.missing("CUDA device query failed (" + oneLine(e) + ")");
        }
        if (status != 0) {
            return ProbeFacts.missing("no usable NVIDIA GPU: cudaGetDeviceCount returned "
                    + CudaErrors.cudaStatus(status) + "; check the driver with nvidia-smi");
        }
        if (count[0] == 0) return ProbeFacts.missing("no NVIDIA GPU found (cudaGetDeviceCount = 0)");
        String name = "";
        if (device >= 0 && device < count[0]) {
            try (cudaDeviceProp prop = new cudaDeviceProp()) {
                if (cudart.cudaGetDeviceProperties(prop, device) == 0) name = prop.name().getString();
            } catch (Throwable ignored) {
                // the name is decoration; the decision does not depend on it
            }
        }
        long version;
        try {
            Loader.load(cudnn.class);
            version = cudnn.cudnnGetVersion();
        } catch (Throwable e) {
            return ProbeFacts.missing(count[0] + " GPU(s) found but cuDNN 9 (libcudnn.so.9) is not loadable ("
                    + oneLine(e) + "); install cuDNN 9 or add the cuda redist jar");
        }
        return new ProbeFacts(null, count[0], device, name, version);
    }

    private static String oneLine(Throwable e) {
        String m = e.getClass().getSimpleName() + ": " + e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
