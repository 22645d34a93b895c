package org.rnn4j.onednn;

import org.bytedeco.dnnl.engine;
import org.rnn4j.RnnException;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.nativecommon.NativeResources;
import org.rnn4j.nativecommon.NonFinite;
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
 *
 * <p>A third, for NaN: when the spec uses an operation oneDNN computes with max/min ({@link NativeSupport#losesNaN})
 * and a call's X or initial states (or the weights) hold NaN or ±Inf, that call runs on composed kernels in
 * NaN-exact mode, so non-finite values propagate exactly as in the reference. Finite calls never pay for it
 * beyond one vectorised scan of their inputs.
 */
final class OneDnnPreparedRnn extends AbstractPreparedRnn {
    private final RnnSpec spec;
    private final RnnWeights weights;
    private final NativeResources owned = new NativeResources();
    private final engine eng;
    private final boolean composed;
    private final StackRunner stack;
    private final boolean guardNaN;
    private final boolean nonFiniteWeights;
    private volatile LayerDriver driver;
    private DirectionKernel[] kernels;
    private volatile LayerDriver nanExactDriver;
    private DirectionKernel[] nanExactKernels;

    OneDnnPreparedRnn(RnnSpec spec, RnnWeights weights) {
        super(spec, OneDnnErrors.BACKEND);
        this.spec = spec;
        this.weights = weights;
        this.composed = NativeSupport.needsComposition(spec);
        this.guardNaN = NativeSupport.losesNaN(spec);
        this.nonFiniteWeights = guardNaN && NonFinite.any(weights);
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
            if (guardNaN && (nonFiniteWeights || NonFinite.any(input))) return nanExactDriver().run(input);
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
                kernels = new DirectionKernel[spec.layers() * spec.direction().count()];
                driver = buildDriver(kernels, false);
            }
            return driver;
        }
    }

    private LayerDriver nanExactDriver() {
        LayerDriver d = nanExactDriver;
        if (d != null) return d;
        synchronized (this) {
            if (nanExactDriver == null) {
                nanExactKernels = new DirectionKernel[spec.layers() * spec.direction().count()];
                nanExactDriver = buildDriver(nanExactKernels, true);
            }
            return nanExactDriver;
        }
    }

    /** Fills {@code k} (owned by the caller's field, so that {@link #release} frees a partly built set too). */
    private LayerDriver buildDriver(DirectionKernel[] k, boolean nanExact) {
        int dirs = spec.direction().count();
        for (int l = 0; l < spec.layers(); l++) {
            for (int dir = 0; dir < dirs; dir++) {
                k[l * dirs + dir] = composed || nanExact
                        ? ComposedCells.create(eng, spec, l, dir, weights.get(l, dir), nanExact)
                        : new NativeDirectionKernel(eng, spec, l, dir, weights.get(l, dir));
            }
        }
        return new LayerDriver(spec, eng, k);
    }

    @Override
    protected void release() {
        if (stack != null) stack.close();
        synchronized (this) {
            for (DirectionKernel[] set : new DirectionKernel[][] {kernels, nanExactKernels}) {
                if (set != null) for (DirectionKernel k : set) if (k != null) k.close();
            }
            kernels = null;
            nanExactKernels = null;
        }
        owned.close();
    }
}
