package org.rnn4j.onednn.composed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The weights of one kernel as oneDNN memories: user arrays copied once to native memory, then reordered once per
 * layout a primitive asks for (in practice one layout per matrix, shared by every batch size). Thread-safe:
 * every method is synchronized, because plans for different batch sizes may be built at the same time. Lives until
 * the kernel's {@link #close()}.
 */
final class WeightStore implements AutoCloseable {

    private final engine eng;
    private final NativeScope scope = new NativeScope();
    private final Map<String, memory> sources = new HashMap<>();
    private final Map<String, List<memory>> layouts = new HashMap<>();
    private stream setupStream;

    WeightStore(engine eng) {
        this.eng = eng;
    }

    /** Copies {@code data} to native memory once; views into it are described by {@link #addMatrix}. */
    synchronized FloatPointer copy(float[] data) {
        return scope.add(new FloatPointer(data));
    }

    /**
     * Registers a matrix view {@code [rows, cols]} over {@code base} starting at float {@code offset}, with the given
     * element strides (a transposed view of a row-major array has strides {@code {1, rowLength}}).
     */
    synchronized void addMatrix(String name, FloatPointer base, long offset, long rows, long cols, long rowStride, long colStride) {
        memory.desc d = scope.add(new memory.desc(new long[] {rows, cols}, memory.data_type.f32, new long[] {rowStride, colStride}));
        sources.put(name, scope.add(new memory(d, eng, new Address().at(Address.of(base) + offset * Float.BYTES))));
    }

    /** Registers a dense row {@code [1, length]} starting at float {@code offset} of {@code base}. */
    synchronized void addRow(String name, FloatPointer base, long offset, long length) {
        addMatrix(name, base, offset, 1, length, length, 1);
    }

    /** Registers {@code a + b} of two registered rows, computed once by a binary primitive. */
    synchronized void addSum(String name, String a, String b) {
        memory ma = source(a);
        memory mb = source(b);
        memory.desc d = scope.add(ma.get_desc());
        memory out = scope.add(new memory(d, eng));
        try (binary.primitive_desc pd = new binary.primitive_desc(eng, algorithm.binary_add, d, d, d);
             binary add = new binary(pd);
             IntMemoryMap args = new IntMemoryMap()) {
            args.put(dnnl.DNNL_ARG_SRC_0, ma);
            args.put(dnnl.DNNL_ARG_SRC_1, mb);
            args.put(dnnl.DNNL_ARG_DST, out);
            add.execute(stream(), args);
            stream()._wait();
        }
        sources.put(name, out);
    }

    /** Registers the scalar {@code value} as a {@code [1, 1]} row (a broadcast operand) and returns its name. */
    synchronized String scalar(float value) {
        String name = "scalar:" + Float.floatToIntBits(value);
        if (!sources.containsKey(name)) addRow(name, copy(new float[] {value}), 0, 1);
        return name;
    }

    /** The registered tensor in its user layout (for rows and biases, which primitives read as they are). */
    synchronized memory source(String name) {
        memory m = sources.get(name);
        if (m == null) throw new IllegalStateException("no weight named " + name);
        return m;
    }

    /** The registered tensor reordered into {@code wanted} (made on first request for that layout). */
    synchronized memory layout(String name, memory.desc wanted) {
        List<memory> known = layouts.computeIfAbsent(name, k -> new ArrayList<>());
        for (memory m : known) {
            try (memory.desc have = m.get_desc()) {
                if (have.equals(wanted)) return m;
            }
        }
        memory src = source(name);
        memory dst = scope.add(new memory(wanted, eng));
        try (reorder r = new reorder(src, dst)) {
            r.execute(stream(), src, dst);
            stream()._wait();
        }
        known.add(dst);
        return dst;
    }

    private stream stream() {
        if (setupStream == null) setupStream = scope.add(new stream(eng));
        return setupStream;
    }

    @Override
    public synchronized void close() {
        scope.close();
        sources.clear();
        layouts.clear();
    }
}
