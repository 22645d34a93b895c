package org.rnn4j.bench;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.util.concurrent.TimeUnit;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
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

/** This machine's f32 GEMM rate, measured with a oneDNN matmul in the same run as the RNNs (the roofline). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SgemmPeakBenchmark {
    /** M = N = K. */
    @Param({"1024"})
    public int size;

    private engine eng;
    private stream strm;
    private matmul mm;
    private IntMemoryMap args;
    private memory a;
    private memory b;
    private memory c;

    @Setup(Level.Trial)
    public void setUp() {
        eng = new engine(engine.kind.cpu, 0);
        strm = new stream(eng);
        memory.desc d = new memory.desc(new long[] {size, size}, memory.data_type.f32, memory.format_tag.ab);
        memory.desc any = new memory.desc(new long[] {size, size}, memory.data_type.f32, memory.format_tag.any);
        matmul.primitive_desc pd = new matmul.primitive_desc(eng, d, any, d);
        mm = new matmul(pd);
        a = new memory(d, eng);
        b = new memory(pd.weights_desc(), eng);
        c = new memory(d, eng);
        args = new IntMemoryMap();
        args.put(DNNL_ARG_SRC, a);
        args.put(DNNL_ARG_WEIGHTS, b);
        args.put(DNNL_ARG_DST, c);
    }

    /** 2·size³ flops. */
    @Benchmark
    public void sgemm() {
        mm.execute(strm, args);
        strm._wait();
    }

    public static double flops(int size) { return 2.0 * size * size * size; }

    @TearDown(Level.Trial)
    public void tearDown() {
        args.close();
        a.close();
        b.close();
        c.close();
        mm.close();
        strm.close();
        eng.close();
    }
}
