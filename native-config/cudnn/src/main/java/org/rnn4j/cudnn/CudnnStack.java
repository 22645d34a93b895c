package org.rnn4j.cudnn;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnRNNStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.rnn4j.NativeBackendException;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * The prepared, read-only half of a cuDNN RNN: the weight space on the device, laid out through the first
 * context's RNN descriptor ({@code cudnnGetRNNWeightParams}) and filled once at prepare. Every
 * {@link CudnnContext} of one prepared RNN reads it with a descriptor of its own, configured from the same plan
 * (cuDNN only reads the weight space during {@code cudnnRNNForward}); built and closed on one thread.
 */
final class CudnnStack implements AutoCloseable {
    final RnnSpec spec;
    final CudnnPlan plan;
    final DeviceBuffer weightSpace = new DeviceBuffer("weight space");
    /** Bytes of the weight space; negative until {@link #build}. Read by contexts created later, on other threads. */
    volatile long weightSpaceBytes = -1;

    CudnnStack(RnnSpec spec, CudnnPlan plan) {
        this.spec = spec;
        this.plan = plan;
    }

    /** Element size of the data type: 4 (float) or 2 (half). */
    int elementBytes() { return plan.dataType() == CudnnPlan.CUDNN_DATA_HALF ? 2 : 4; }

    /** Allocates the weight space as {@code first}'s descriptor sizes it and uploads {@code weights} through it. */
    void build(CudnnContext first, RnnWeights weights) {
        weightSpaceBytes = first.weightSpaceBytes;
        weightSpace.ensure(weightSpaceBytes, spec);
        upload(first, weights);
    }

    /**
     * Fills a host image of the weight space at the offsets cudnnGetRNNWeightParams reports, then copies it in one
     * transfer. Regions no linLayerID names stay zero.
     */
    private void upload(CudnnContext first, RnnWeights weights) {
        cudnnContext handle = first.handle;
        cudnnRNNStruct rnnDesc = first.rnn.desc;
        CUstream_st stream = first.stream;
        WeightPacking packing = new WeightPacking(spec, weights, plan);
        int directions = plan.cudnnDirections();
        boolean projection = plan.projSize() < plan.hiddenSize();
        int ids = LinLayers.count(plan.cellMode(), projection);
        long base = weightSpace.address().address();
        try (BytePointer image = new BytePointer(weightSpaceBytes);
             cudnnTensorStruct mDesc = new cudnnTensorStruct();
             cudnnTensorStruct bDesc = new cudnnTensorStruct()) {
            image.fill(0);
            CudaErrors.cudnn(cudnn.cudnnCreateTensorDescriptor(mDesc), "cudnnCreateTensorDescriptor", spec);
            boolean bCreated = false;
            try {
                // Created inside the try: when this one fails, the finally still destroys mDesc.
                CudaErrors.cudnn(cudnn.cudnnCreateTensorDescriptor(bDesc), "cudnnCreateTensorDescriptor", spec);
                bCreated = true;
                for (int layer = 0; layer < plan.numLayers(); layer++) {
                    for (int dir = 0; dir < directions; dir++) {
                        int pseudo = LinLayers.pseudoLayer(layer, dir, directions);
                        for (int id = 0; id < ids; id++) {
                            Pointer mAddr = new Pointer();
                            Pointer bAddr = new Pointer();
                            // Returns device pointers into weightSpace for this (pseudoLayer, linLayerID) and the
                            // shapes in mDesc / bDesc; an address is NULL where that part does not exist.
                            CudaErrors.cudnn(cudnn.cudnnGetRNNWeightParams(handle, rnnDesc, pseudo, weightSpaceBytes,
                                    weightSpace.address(), id, mDesc, mAddr, bDesc, bAddr),
                                    "cudnnGetRNNWeightParams(pseudoLayer " + pseudo + ", linLayerID " + id + ")", spec);
                            int[] shape = packing.matrixShape(layer, id);
                            put(image, base, mAddr, mDesc, packing.matrix(layer, dir, id), (long) shape[0] * shape[1],
                                    "matrix of pseudoLayer " + pseudo + " linLayerID " + id);
                            if (LinLayers.hasBias(plan.cellMode(), id)) {
                                put(image, base, bAddr, bDesc, packing.bias(layer, dir, id), plan.hiddenSize(),
                                        "bias of pseudoLayer " + pseudo + " linLayerID " + id);
                            }
                        }
                    }
                }
            } finally {
                cudnn.cudnnDestroyTensorDescriptor(mDesc);
                if (bCreated) cudnn.cudnnDestroyTensorDescriptor(bDesc);
            }
            try {
                CudaErrors.cuda(cudart.cudaMemcpyAsync(weightSpace.address(), image, weightSpaceBytes,
                        cudart.cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync (weights to device)", spec);
                CudaErrors.cuda(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize (weights)", spec);
            } catch (RuntimeException | Error e) {
                // The copy may still be reading the pageable image: wait once more before it is freed.
                cudart.cudaStreamSynchronize(stream);
                throw e;
            }
        }
    }

    /** Writes {@code values} into the host image at the device address' offset, after checking size and bounds. */
    private void put(BytePointer image, long base, Pointer deviceAddr, cudnnTensorStruct desc, float[] values,
                     long expected, String what) {
        if (deviceAddr == null || deviceAddr.isNull()) {
            throw new NativeBackendException(CudaErrors.BACKEND, "cudnnGetRNNWeightParams", "NULL address",
                    spec.caseName() + ": no " + what + " in cuDNN's weight space, expected " + expected + " values", null);
        }
        long elements = elements(desc, what);
        long offset = deviceAddr.address() - base;
        long bytes = elements * elementBytes();
        if (elements != expected || values.length != expected || offset < 0 || offset + bytes > weightSpaceBytes) {
            throw new NativeBackendException(CudaErrors.BACKEND, "cudnnGetRNNWeightParams", "unexpected layout",
                    spec.caseName() + ": " + what + " has " + elements + " elements at byte offset " + offset
                            + " of " + weightSpaceBytes + ", rnn4j expected " + expected + " (packed " + values.length + ")", null);
        }
        if (elementBytes() == 4) {
            for (int k = 0; k < values.length; k++) image.putFloat(offset + 4L * k, values[k]);
        } else {
            for (int k = 0; k < values.length; k++) image.putShort(offset + 2L * k, Half.fromFloat(values[k]));
        }
    }

    /** Product of the dimensions cuDNN reports for one weight or bias tensor. */
    private long elements(cudnnTensorStruct desc, String what) {
        int[] dataType = new int[1];
        int[] nbDims = new int[1];
        int[] dims = new int[8];
        int[] strides = new int[8];
        CudaErrors.cudnn(cudnn.cudnnGetTensorNdDescriptor(desc, 8, dataType, nbDims, dims, strides),
                "cudnnGetTensorNdDescriptor (" + what + ")", spec);
        long n = 1;
        for (int i = 0; i < nbDims[0]; i++) n *= dims[i];
        return n;
    }

    @Override
    public void close() { weightSpace.close(); }
}
