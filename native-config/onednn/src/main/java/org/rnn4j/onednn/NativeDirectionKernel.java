package org.rnn4j.onednn;

import java.util.List;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;

/**
 * One direction of one layer as a left-to-right oneDNN primitive, behind the {@link DirectionKernel} contract so
 * the layer driver treats native and composed directions alike (reversal and lengths are the driver's job).
 * Thread-safe as the contract requires; primitives per (steps, batch) live in a bounded {@link ShapeCache}.
 */
final class NativeDirectionKernel implements DirectionKernel {
    private final LayerProgram program;
    private final ShapeCache<Long, BoundPrimitive> shapes = new ShapeCache<>(ShapeCache.DEFAULT_CAPACITY);

    NativeDirectionKernel(engine eng, RnnSpec spec, int layer, int direction, LayerWeights weights) {
        PrimitiveDescs descs = new PrimitiveDescs(eng, spec, layer, direction, dnnl.rnn_direction.unidirectional_left2right, 1);
        this.program = new LayerProgram(spec, eng, descs, new UserWeights(spec, layer, List.of(weights)));
    }

    @Override
    public void run(stream s, FloatPointer x, int steps, int batch, FloatPointer h0, FloatPointer c0,
                    FloatPointer y, FloatPointer hT, FloatPointer cT) {
        ShapeCache.Lease<BoundPrimitive> lease = shapes.acquire(((long) steps << 32) | batch,
                k -> program.newPrimitive(steps, batch, false, false));
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

    /** Primitives created so far (cache misses); for tests. */
    long primitivesCreated() { return shapes.created(); }

    @Override
    public void close() {
        shapes.close();
        program.close();
    }
}
