package org.rnn4j.cudnn;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.rnn4j.Availability;

/** Finds, in order, the CUDA runtime, a GPU, and cuDNN; names the first one missing and how to get it. */
final class CudaProbe {
    static final String NOT_IMPLEMENTED = "the cuDNN compute path is not implemented in this release of rnn4j";

    private CudaProbe() {}

    static Availability run() {
        try {
            Loader.load(cudart.class);
        } catch (Throwable e) {
            return Availability.unavailable("CUDA runtime not loadable (" + oneLine(e) + "); install an NVIDIA driver and "
                    + "the CUDA 13 runtime, or add org.bytedeco:cuda:13.1-9.19-1.5.13 with classifier <platform>-redist");
        }
        int[] count = new int[1];
        int status;
        try {
            status = cudart.cudaGetDeviceCount(count);
        } catch (Throwable e) {
            return Availability.unavailable("CUDA device query failed (" + oneLine(e) + ")");
        }
        if (status != 0) {
            return Availability.unavailable("no usable NVIDIA GPU: cudaGetDeviceCount returned "
                    + cudart.cudaGetErrorName(status).getString() + " (" + status + "); check the driver with nvidia-smi");
        }
        if (count[0] == 0) return Availability.unavailable("no NVIDIA GPU found (cudaGetDeviceCount = 0)");
        long version;
        try {
            Loader.load(cudnn.class);
            version = cudnn.cudnnGetVersion();
        } catch (Throwable e) {
            return Availability.unavailable(count[0] + " GPU(s) found but cuDNN 9 (libcudnn.so.9) is not loadable ("
                    + oneLine(e) + "); install cuDNN 9 or add the cuda redist jar");
        }
        return Availability.unavailable(count[0] + " GPU(s) and cuDNN " + version + " found, but " + NOT_IMPLEMENTED);
    }

    private static String oneLine(Throwable e) {
        String m = e.getClass().getSimpleName() + ": " + e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
