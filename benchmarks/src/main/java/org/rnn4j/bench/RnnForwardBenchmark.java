package org.rnn4j.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.EnumSet;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rnn4j.Backends;
import org.rnn4j.DataType;
import org.rnn4j.Layout;
import org.rnn4j.OutputKind;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * One forward call per invocation, side by side: rnn4j on a backend, the raw oneDNN primitive, and (where it
 * exists) ONNX Runtime. Every implementation computes Y only, from the same shapes. Native threads come from
 * OMP_NUM_THREADS, which forks inherit; see {@link BenchMain}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RnnForwardBenchmark {
    @Param({"S1"})
    public String shape;

    /** {@code onednn}, {@code reference} (rnn4j backends), {@code raw-onednn}, {@code ort}. */
    @Param({"onednn"})
    public String impl;

    @Param({"F32"})
    public String dtype;

    private Runnable call;
    private AutoCloseable resource;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        BenchShape s = BenchShape.valueOf(shape);
        DataType type = DataType.valueOf(dtype);
        switch (impl) {
            case "raw-onednn": {
                RawOneDnnRnn raw = RawOneDnnRnn.forShape(s, type);
                resource = raw;
                call = raw::run;
                break;
            }
            case "ort": {
                OrtRunner ort = OrtRunner.forShape(s, type, BenchMain.ompThreads());
                resource = ort;
                call = ort::run;
                break;
            }
            default: {
                RnnSpec spec = s.spec(type);
                PreparedRnn rnn = Backends.select(impl).prepare(spec, RnnWeights.random(spec, 1));
                RnnInput in = input(s, spec);
                resource = rnn;
                call = () -> rnn.forward(in);
            }
        }
    }

    static RnnInput input(BenchShape s, RnnSpec spec) {
        float[] x = new float[s.steps * s.batch * spec.inputSize()];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
        return RnnInput.builder(x, Layout.TIME_MAJOR, s.steps, s.batch).sequenceLengths(s.lengths())
                .outputs(EnumSet.of(OutputKind.Y)).build();
    }

    /** As {@link #input}, with Y going into a direct buffer allocated once ({@code RnnInput.yInto}). */
    static RnnInput inputWithYBuffer(BenchShape s, RnnSpec spec) {
        RnnInput plain = input(s, spec);
        int yFloats = s.steps * s.batch * spec.outputSize();
        FloatBuffer y = ByteBuffer.allocateDirect(yFloats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        return RnnInput.builder(plain.x(), Layout.TIME_MAJOR, s.steps, s.batch).sequenceLengths(s.lengths())
                .outputs(EnumSet.of(OutputKind.Y)).yInto(y).build();
    }

    @Benchmark
    public void forward() {
        call.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        resource.close();
    }
}
