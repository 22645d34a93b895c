package org.rnn4j.onednn;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;

/**
 * One direction of one layer as a left-to-right oneDNN primitive, behind the {@link DirectionKernel} contract so
 * the layer driver treats native and composed directions alike (reversal and lengths are the driver's job).
 * Thread-safe as the contract requires; primitives per (steps, batch) live in the prepared RNN's {@link ShapeCache}.
 *
 * <p>A primitive's step count is fixed, and ragged lengths give the driver chunks of every step count. So a run of
 * T steps is split into powers of two, largest first (13 = 8 + 4 + 1), each a primitive call that starts from the
 * state the previous one ended with: the same recurrence, at most log₂T + 1 calls of a few microseconds each, and
 * step counts drawn from {1, 2, 4, …} instead of every integer, which keeps a ragged workload's shapes within the
 * cache.
 */
final class NativeDirectionKernel implements DirectionKernel {
    private final LayerProgram program;
    private final ShapeCache shapes;
    private final boolean ownsShapes;
    private final AtomicLong created = new AtomicLong();

    /** @param shapes the prepared RNN's cache, or null for a private one closed with this kernel */
    NativeDirectionKernel(engine eng, RnnSpec spec, int layer, int direction, LayerWeights weights, ShapeCache shapes) {
        this.ownsShapes = shapes == null;
        // first: reading the budget property may throw, and nothing native exists yet
        this.shapes = ownsShapes ? ShapeCache.fromSystemProperties() : shapes;
        PrimitiveDescs descs = new PrimitiveDescs(eng, spec, layer, direction, dnnl.rnn_direction.unidirectional_left2right, 1);
        this.program = new LayerProgram(spec, eng, descs, new UserWeights(spec, layer, List.of(weights)));
    }

    private record Shape(int steps, int batch) {}

    @Override
    public void run(stream s, FloatPointer x, int steps, int batch, FloatPointer h0, FloatPointer c0,
                    FloatPointer y, FloatPointer hT, FloatPointer cT) {
        int pieces = Integer.bitCount(steps);
        if (pieces <= 1) {
            runPiece(s, x, steps, batch, h0, c0, y, hT, cT);
            return;
        }
        long in = program.descs.inputSize;
        long state = program.descs.stateSize;
        long hidden = program.descs.hiddenSize;
        boolean lstm = program.descs.lstm;
        try (PointerScope scope = new PointerScope()) {
            // states alternate between the caller's hT/cT and a spare, arranged so that the last piece writes hT/cT
            FloatPointer hSpare = new FloatPointer((long) batch * state);
            FloatPointer cSpare = lstm ? new FloatPointer((long) batch * hidden) : null;
            FloatPointer hFrom = h0;
            FloatPointer cFrom = c0;
            int done = 0;
            for (int k = 0; k < pieces; k++) {
                int piece = Integer.highestOneBit(steps - done);
                boolean toCaller = (pieces - 1 - k) % 2 == 0;
                FloatPointer hTo = toCaller ? hT : hSpare;
                FloatPointer cTo = lstm ? (toCaller ? cT : cSpare) : null;
                runPiece(s, at(x, (long) done * batch * in), piece, batch, hFrom, cFrom,
                        at(y, (long) done * batch * state), hTo, cTo);
                hFrom = hTo;
                cFrom = cTo;
                done += piece;
            }
        }
    }

    /** {@code p} advanced by {@code floats} elements, as a new pointer. */
    private static FloatPointer at(FloatPointer p, long floats) {
        return new FloatPointer(p).position(p.position() + floats);
    }

    private void runPiece(stream s, FloatPointer x, int steps, int batch, FloatPointer h0, FloatPointer c0,
                          FloatPointer y, FloatPointer hT, FloatPointer cT) {
        ShapeCache.Lease<BoundPrimitive> lease = shapes.acquire(this, new Shape(steps, batch), () -> {
            created.incrementAndGet();
            return program.newPrimitive(steps, batch, false, false);
        });
        try {
            BoundPrimitive p = lease.value;
            BoundPrimitive.Binding b = p.acquire();
            try {
                b.bind(BoundPrimitive.SRC_LAYER, x);
                b.bind(BoundPrimitive.SRC_ITER, h0);
                b.bind(BoundPrimitive.DST_LAYER, y);
                b.bind(BoundPrimitive.DST_ITER, hT);
                if (program.descs.lstm) {
                    b.bind(BoundPrimitive.SRC_ITER_C, c0);
                    b.bind(BoundPrimitive.DST_ITER_C, cT);
                }
                b.execute(s.get());
            } finally {
                p.release(b);
            }
        } finally {
            shapes.release(lease);
        }
    }

    /** Primitives this kernel has created so far (cache misses); for tests. */
    long primitivesCreated() { return created.get(); }

    /** Frees the weights, and the cache if it is this kernel's own; a shared cache is closed by its owner first. */
    @Override
    public void close() {
        if (ownsShapes) shapes.close();
        program.close();
    }
}
