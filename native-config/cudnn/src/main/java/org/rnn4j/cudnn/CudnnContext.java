package org.rnn4j.cudnn;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnRNNDataStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.rnn4j.RnnSpec;

/**
 * Everything one in-flight forward call mutates: a cuDNN handle bound to its own CUDA stream, the per-call
 * descriptors (x/y RNN data, h/c tensors) and growable device buffers. Used by one thread at a time (taken from and
 * returned to the prepared RNN's pool); closed once, by the prepared RNN's {@code release()}.
 */
final class CudnnContext implements AutoCloseable {
    final cudnnContext handle = new cudnnContext();
    final CUstream_st stream = new CUstream_st();
    final cudnnRNNDataStruct xDesc = new cudnnRNNDataStruct();
    final cudnnRNNDataStruct yDesc = new cudnnRNNDataStruct();
    final cudnnTensorStruct hDesc = new cudnnTensorStruct();
    final cudnnTensorStruct cDesc = new cudnnTensorStruct();
    final DeviceBuffer x = new DeviceBuffer("x");
    final DeviceBuffer y = new DeviceBuffer("y");
    final DeviceBuffer hx = new DeviceBuffer("hx");
    final DeviceBuffer cx = new DeviceBuffer("cx");
    final DeviceBuffer hy = new DeviceBuffer("hy");
    final DeviceBuffer cy = new DeviceBuffer("cy");
    final DeviceBuffer seqLengths = new DeviceBuffer("devSeqLengths");
    final DeviceBuffer workSpace = new DeviceBuffer("workspace");
    private int created; // how many of handle, stream, xDesc, yDesc, hDesc, cDesc exist, in that order

    /** Creates the handle on {@code device} (current for this thread), its stream and the descriptors. */
    CudnnContext(int device, RnnSpec spec) {
        try {
            CudaErrors.cuda(cudart.cudaSetDevice(device), "cudaSetDevice(" + device + ")", spec);
            CudaErrors.cudnn(cudnn.cudnnCreate(handle), "cudnnCreate", spec);
            created = 1;
            CudaErrors.cuda(cudart.cudaStreamCreate(stream), "cudaStreamCreate", spec);
            created = 2;
            CudaErrors.cudnn(cudnn.cudnnSetStream(handle, stream), "cudnnSetStream", spec);
            CudaErrors.cudnn(cudnn.cudnnCreateRNNDataDescriptor(xDesc), "cudnnCreateRNNDataDescriptor (x)", spec);
            created = 3;
            CudaErrors.cudnn(cudnn.cudnnCreateRNNDataDescriptor(yDesc), "cudnnCreateRNNDataDescriptor (y)", spec);
            created = 4;
            CudaErrors.cudnn(cudnn.cudnnCreateTensorDescriptor(hDesc), "cudnnCreateTensorDescriptor (h)", spec);
            created = 5;
            CudaErrors.cudnn(cudnn.cudnnCreateTensorDescriptor(cDesc), "cudnnCreateTensorDescriptor (c)", spec);
            created = 6;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        // Pending work on our stream must finish before its buffers go.
        if (created >= 2) cudart.cudaStreamSynchronize(stream);
        for (DeviceBuffer b : new DeviceBuffer[] {x, y, hx, cx, hy, cy, seqLengths, workSpace}) b.close();
        if (created >= 6) cudnn.cudnnDestroyTensorDescriptor(cDesc);
        if (created >= 5) cudnn.cudnnDestroyTensorDescriptor(hDesc);
        if (created >= 4) cudnn.cudnnDestroyRNNDataDescriptor(yDesc);
        if (created >= 3) cudnn.cudnnDestroyRNNDataDescriptor(xDesc);
        if (created >= 2) cudart.cudaStreamDestroy(stream);
        if (created >= 1) cudnn.cudnnDestroy(handle);
        created = 0;
    }
}
