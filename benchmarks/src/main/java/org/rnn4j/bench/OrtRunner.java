package org.rnn4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.rnn4j.DataType;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * ONNX Runtime (Java, CPU execution provider) on the graph {@link OnnxBenchModels} builds for a benchmark shape,
 * with the same weights and input as rnn4j. Each call does the work an rnn4j {@code forward} does: run the graph
 * and deliver Y in a Java {@code float[]}. ONNX Runtime gets its best case otherwise: the input tensor is created
 * once over a direct buffer, Y is a pinned output (no allocation per call), full graph optimisation, and
 * intra-op threads = OMP_NUM_THREADS (the count oneDNN uses). Not thread-safe; {@link #close()} frees everything.
 */
final class OrtRunner implements AutoCloseable {
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new HashMap<>();
    private final OnnxTensor y;
    private final FloatBuffer yBuffer;
    private final float[] yOut;

    OrtRunner(RnnSpec spec, RnnWeights weights, RnnInput in, int threads) throws OrtException {
        if (spec.dataType() != DataType.F32) {
            throw new UnsupportedOperationException("ort baseline: the exported model is float32 only, not " + spec.dataType());
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        boolean ragged = in.sequenceLengths() != null;
        byte[] model = OnnxBenchModels.model(spec, weights, in.steps(), in.batch(), ragged);
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(model, options);
        FloatBuffer x = direct(in.x().capacity());
        x.put(in.x().duplicate().rewind()).rewind();
        inputs.put("X", OnnxTensor.createTensor(env, x, new long[] {in.steps(), in.batch(), spec.inputSize()}));
        if (ragged) {
            int[] lens = in.sequenceLengths();
            java.nio.IntBuffer l = ByteBuffer.allocateDirect(4 * lens.length).order(ByteOrder.nativeOrder()).asIntBuffer();
            l.put(lens).rewind();
            inputs.put("sequence_lens", OnnxTensor.createTensor(env, l, new long[] {lens.length}));
        }
        long[] yShape = spec.direction().isBidirectional()
                ? new long[] {in.steps(), in.batch(), spec.outputSize()}
                : new long[] {in.steps(), 1, in.batch(), spec.outputSize()};
        int yCount = in.steps() * in.batch() * spec.outputSize();
        yBuffer = direct(yCount);
        y = OnnxTensor.createTensor(env, yBuffer, yShape);
        yOut = new float[yCount];
    }

    /** ONNX Runtime for a benchmark shape: the weights of {@code RnnWeights.random(spec, 1)}, the benchmark input. */
    static OrtRunner forShape(BenchShape s, DataType type, int threads) throws OrtException {
        RnnSpec spec = s.spec(type);
        return new OrtRunner(spec, RnnWeights.random(spec, 1), RnnForwardBenchmark.input(s, spec), threads);
    }

    /** Whether the ONNX Runtime classes and natives load here; never throws. */
    static boolean available() {
        try {
            OrtEnvironment.getEnvironment();
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Runs the graph once and copies Y into the array {@link #y()} returns. */
    void run() {
        try (OrtSession.Result r = session.run(inputs, Map.of("Y", y))) {
            yBuffer.rewind();
            yBuffer.get(yOut);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime run failed: " + e.getMessage(), e);
        }
    }

    /** Y of the last {@link #run()}, time-major {@code [T, N, D·H]} like rnn4j's. */
    float[] y() { return yOut; }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public void close() throws OrtException {
        for (OnnxTensor t : inputs.values()) t.close();
        y.close();
        session.close();
        options.close();
    }
}
