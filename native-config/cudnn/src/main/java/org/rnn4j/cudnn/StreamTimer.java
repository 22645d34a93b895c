package org.rnn4j.cudnn;

import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.rnn4j.RnnSpec;

/**
 * Two CUDA events that bracket work enqueued on one stream: the GPU time of that work alone, without the host's
 * staging and copies around it. {@link Bench} uses it to put rnn4j's cuDNN time beside PyTorch's, which is measured the
 * same way (CUDA events around the call, data already on the device). Owned by one {@link CudnnContext}, so used by one
 * thread at a time; created only when timing is asked for.
 */
final class StreamTimer implements AutoCloseable {
    private final CUevent_st start = new CUevent_st();
    private final CUevent_st end = new CUevent_st();
    private int created; // 0, 1 (start) or 2 (both)

    StreamTimer(RnnSpec spec) {
        try {
            CudaErrors.cuda(cudart.cudaEventCreate(start), "cudaEventCreate (timer start)", spec);
            created = 1;
            CudaErrors.cuda(cudart.cudaEventCreate(end), "cudaEventCreate (timer end)", spec);
            created = 2;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    void start(CUstream_st stream, RnnSpec spec) {
        CudaErrors.cuda(cudart.cudaEventRecord(start, stream), "cudaEventRecord (timer start)", spec);
    }

    void end(CUstream_st stream, RnnSpec spec) {
        CudaErrors.cuda(cudart.cudaEventRecord(end, stream), "cudaEventRecord (timer end)", spec);
    }

    /** Microseconds between the two events; only after the stream they were recorded on has been synchronized. */
    double micros(RnnSpec spec) {
        try (FloatPointer ms = new FloatPointer(1)) {
            CudaErrors.cuda(cudart.cudaEventElapsedTime(ms, start, end), "cudaEventElapsedTime", spec);
            return ms.get() * 1e3;
        }
    }

    @Override
    public void close() {
        if (created >= 2) cudart.cudaEventDestroy(end);
        if (created >= 1) cudart.cudaEventDestroy(start);
        created = 0;
    }
}
