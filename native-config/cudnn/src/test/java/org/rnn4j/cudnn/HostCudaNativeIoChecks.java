package org.rnn4j.cudnn;

import static org.rnn4j.cudnn.HostCudaRun.check;
import static org.rnn4j.cudnn.HostCudaRun.compare;
import static org.rnn4j.cudnn.HostCudaRun.limit;

import java.util.List;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.OutputKind;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * {@link HostCudaRun}'s checks of the native path's per-call input and output ({@link NativeIo}, {@link HostStage},
 * {@link CudnnContext#describe}): the API calls of a repeated shape, every subset of the outputs, F16 conversions in
 * chunks. Run in the stand-in's child JVM; each check prints its PASS/FAIL line through {@link HostCudaRun#check}.
 */
final class HostCudaNativeIoChecks {
    // The stand-in's control channel (host_cuda.cpp): (CALLS) counts the fallible API calls since it was set to 0,
    // and prints them per function when set to 1; (PAGEABLE) counts the cudaMemcpyAsync calls among them whose host
    // side was pageable.
    private static final int CALLS = 0x52344E;
    private static final int PAGEABLE = 0x52344F;

    private HostCudaNativeIoChecks() {}

    static void run(CudnnBackend cudnn) {
        // Per-call overhead: a repeated shape makes only the calls a forward needs (descriptors set once per shape).
        RnnSpec plain = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(4).build();
        check("same-shaped native calls make 5 API calls each, both copies pinned", plain, () -> callsPerForward(cudnn, plain, 5));
        RnnSpec halfGruSum = RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3).hiddenSize(4)
                .direction(Direction.BIDIRECTIONAL_SUM).dataType(org.rnn4j.DataType.F16).build();
        check("same-shaped native F16 bidirectional-sum calls make 8 API calls each (3 kernels)", halfGruSum,
                () -> callsPerForward(cudnn, halfGruSum, 8));
        // Every subset of the outputs, with and without initial states, two shapes on one prepared RNN: the download
        // stops at the last wanted output and the direction sum runs only when Y is wanted.
        for (RnnSpec spec : List.of(
                RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(4).layers(2).direction(Direction.BIDIRECTIONAL_SUM).build(),
                RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(4).direction(Direction.BIDIRECTIONAL_SUM)
                        .dataType(org.rnn4j.DataType.F16).build(),
                RnnSpec.builder(Cell.lstm()).inputSize(5).hiddenSize(3).direction(Direction.BIDIRECTIONAL_CONCAT)
                        .dataType(org.rnn4j.DataType.F16).build(),
                RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3).hiddenSize(4)
                        .dataType(org.rnn4j.DataType.F16).build())) {
            check("every subset of the outputs, with and without initial states", spec, () -> outputSubsets(cudnn, spec));
        }
        // F16 conversions in chunks of 64 elements: the chunks after the first, which on a GPU only a copy of over
        // 2^30 elements reaches, start at the right offsets of both buffers.
        RnnSpec chunked = RnnSpec.builder(Cell.lstm()).inputSize(7).hiddenSize(5).layers(2).direction(Direction.BIDIRECTIONAL_CONCAT)
                .dataType(org.rnn4j.DataType.F16).build();
        check("F16 conversions in chunks of 64 elements", chunked, () -> {
            RnnWeights w = RnnWeights.random(chunked, 41);
            RnnInput in = ComposedStackTest.input(chunked, 6, 5, new int[] {6, 0, 3, 5, 1}, 42);
            try (PreparedRnn p = cudnn.prepare(chunked, w)) {
                ((CudnnPreparedRnn) p).convertInChunksOf(64);
                return compare("chunked", chunked, w, in, p.forward(in), 6);
            }
        });
    }

    /** Every subset of the cell's outputs (the empty one too), with and without initial states, at two shapes. */
    private static double outputSubsets(CudnnBackend cudnn, RnnSpec spec) {
        RnnWeights w = RnnWeights.random(spec, 43);
        List<OutputKind> kinds = spec.cell() instanceof Cell.Lstm ? List.of(OutputKind.Y, OutputKind.H_FINAL, OutputKind.C_FINAL)
                : List.of(OutputKind.Y, OutputKind.H_FINAL);
        double worst = 0;
        try (PreparedRnn p = cudnn.prepare(spec, w)) {
            for (int[] shape : new int[][] {{4, 3}, {2, 5}}) {
                int[] lengths = new int[shape[1]];
                for (int n = 0; n < lengths.length; n++) lengths[n] = (n * 3 + 1) % (shape[0] + 1);
                RnnInput full = ComposedStackTest.input(spec, shape[0], shape[1], lengths, 44);
                for (int mask = 0; mask < 1 << kinds.size(); mask++) {
                    java.util.Set<OutputKind> wanted = java.util.EnumSet.noneOf(OutputKind.class);
                    for (int k = 0; k < kinds.size(); k++) if ((mask & 1 << k) != 0) wanted.add(kinds.get(k));
                    for (boolean states : new boolean[] {true, false}) {
                        RnnInput.Builder b = RnnInput.builder(full.x(), full.layout(), full.steps(), full.batch())
                                .sequenceLengths(lengths).outputs(wanted);
                        if (states) b.initialH(full.initialH()).initialC(full.initialC());
                        RnnInput in = b.build();
                        worst = Math.max(worst, compare("T" + shape[0] + "N" + shape[1] + " " + wanted + (states ? " with states" : ""),
                                spec, w, in, p.forward(in), shape[0]));
                    }
                }
            }
        }
        return worst;
    }

    /**
     * A prepared native RNN called again with the shape of its previous call (T 4, N 3, ragged lengths, initial states
     * given, every output wanted) makes {@code expected} fallible API calls per forward, with no copy from pageable
     * memory: cudaSetDevice, one upload, cudnnRNNForward, one download, the synchronize, and F16's and the direction
     * sum's kernel launches. New lengths of the same T and N set the four descriptors and ask for the workspace size
     * again, once. Returns the calls per forward.
     */
    private static double callsPerForward(CudnnBackend cudnn, RnnSpec spec, int expected) {
        RnnWeights w = RnnWeights.random(spec, 23);
        RnnInput first = ComposedStackTest.input(spec, 4, 3, new int[] {4, 0, 2}, 5);
        RnnInput second = ComposedStackTest.input(spec, 4, 3, new int[] {1, 4, 3}, 5);
        try (PreparedRnn p = cudnn.prepare(spec, w)) {
            p.forward(first); // sets the descriptors and sizes the buffers for this shape
            org.bytedeco.cuda.global.cudart.cudaDeviceSetLimit(CALLS, 0);
            for (int call = 0; call < 3; call++) compare("repeat " + call, spec, w, first, p.forward(first), 4);
            long repeated = limit(CALLS);
            long pageable = limit(PAGEABLE);
            org.bytedeco.cuda.global.cudart.cudaDeviceSetLimit(CALLS, 1); // the count per function, on stderr
            if (repeated != 3L * expected || pageable != 0) {
                throw new AssertionError(repeated + " API calls in 3 same-shaped forwards, expected 3 × " + expected + "; "
                        + pageable + " pageable copies, expected 0 (stderr: hostcuda CALLS)");
            }
            org.bytedeco.cuda.global.cudart.cudaDeviceSetLimit(CALLS, 0);
            compare("new lengths", spec, w, second, p.forward(second), 4);
            compare("new lengths, repeated", spec, w, second, p.forward(second), 4);
            long changed = limit(CALLS);
            org.bytedeco.cuda.global.cudart.cudaDeviceSetLimit(CALLS, 1);
            // Two cudnnSetRNNDataDescriptor, two cudnnSetTensorNdDescriptor, one cudnnGetRNNTempSpaceSizes.
            if (changed != 2L * expected + 5) {
                throw new AssertionError(changed + " API calls in two forwards of new lengths, expected 2 × " + expected
                        + " + 5 (stderr: hostcuda CALLS)");
            }
            return (double) repeated / 3;
        }
    }


}
