package org.rnn4j.onednn;

import org.bytedeco.dnnl.engine;
import org.rnn4j.RnnException;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.nativecommon.NativeResources;
import org.rnn4j.onednn.composed.ComposedCells;
import org.rnn4j.spi.AbstractPreparedRnn;

/**
 * A spec prepared on oneDNN. Threading and lifetime: as {@link org.rnn4j.PreparedRnn} — any number of concurrent
 * {@code forward} calls (each takes a pooled context with its own stream and scratchpad; primitives are created
 * with {@code scratchpad_mode.user} and cached per shape in a bounded LRU of {@value ShapeCache#DEFAULT_CAPACITY}
 * entries); {@code close()} frees every native object exactly once, after in-flight calls drain.
 *
 * <p>Two paths: the {@link StackRunner} (whole-layer primitives, no copies between layers) when every sequence
 * runs T steps and every direction is native with one shared activation; otherwise the {@link LayerDriver} with
 * one kernel per (layer, direction), native or composed, built lazily on the first call that needs it.
 */
final class OneDnnPreparedRnn extends AbstractPreparedRnn {
    private final RnnSpec spec;
    private final RnnWeights weights;
    private final NativeResources owned = new NativeResources();
    private final engine eng;
    private final boolean composed;
    private final StackRunner stack;
    private volatile LayerDriver driver;
    private DirectionKernel[] kernels;

    OneDnnPreparedRnn(RnnSpec spec, RnnWeights weights) {
        super(spec, OneDnnErrors.BACKEND);
        this.spec = spec;
        this.weights = weights;
        this.composed = NativeSupport.needsComposition(spec);
        try {
            this.eng = owned.keep(new engine(engine.kind.cpu, 0));
            boolean fast = !composed && NativeSupport.directionsShareActivations(spec);
            this.stack = fast ? new StackRunner(spec, weights, eng) : null;
            if (!fast) driver(); // builds the kernels now so that any unsupported feature fails at prepare
        } catch (RuntimeException e) {
            release();
            throw e instanceof RnnException ? e : OneDnnErrors.translate("preparing", e, spec);
        }
    }

    @Override
    protected RnnOutput compute(RnnInput input) {
        try {
            if (stack != null && allFullLength(input)) return stack.run(input);
            return driver().run(input);
        } catch (RnnException | IllegalArgumentException | IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw OneDnnErrors.translate("forward", e, spec);
        }
    }

    private static boolean allFullLength(RnnInput input) {
        int[] lengths = input.sequenceLengths();
        if (lengths == null) return true;
        for (int len : lengths) if (len != input.steps()) return false;
        return true;
    }

    private LayerDriver driver() {
        LayerDriver d = driver;
        if (d != null) return d;
        synchronized (this) {
            if (driver == null) {
                int dirs = spec.direction().count();
                DirectionKernel[] k = new DirectionKernel[spec.layers() * dirs];
                kernels = k;
                for (int l = 0; l < spec.layers(); l++) {
                    for (int dir = 0; dir < dirs; dir++) {
                        k[l * dirs + dir] = composed
                                ? ComposedCells.create(eng, spec, l, dir, weights.get(l, dir))
                                : new NativeDirectionKernel(eng, spec, l, dir, weights.get(l, dir));
                    }
                }
                driver = new LayerDriver(spec, eng, k);
            }
            return driver;
        }
    }

    @Override
    protected void release() {
        if (stack != null) stack.close();
        synchronized (this) {
            if (kernels != null) {
                for (DirectionKernel k : kernels) if (k != null) k.close();
                kernels = null;
            }
        }
        owned.close();
    }
}
