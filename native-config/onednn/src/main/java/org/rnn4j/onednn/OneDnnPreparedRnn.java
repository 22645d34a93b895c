package org.rnn4j.onednn;

import org.bytedeco.dnnl.engine;
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
 * with {@code scratchpad_mode.user} and cached per shape in one {@link ShapeCache} per prepared RNN, bounded in bytes
 * by {@value ShapeCache#BUDGET_PROPERTY} and in entries); {@code close()} frees every native object exactly once,
 * after in-flight calls drain.
 *
 * <p>Two paths: the {@link StackRunner} (whole-layer primitives, no copies between layers) when every sequence
 * runs T steps and every direction is native with one shared activation; otherwise the {@link LayerDriver} with
 * one kernel per (layer, direction), native or composed, built lazily on the first call that needs it.
 *
 * <p>A third, for NaN: when the spec uses an operation oneDNN computes with max/min, or zero peephole rows
 * ({@link NativeSupport#losesNaN}),
 * and a call's X or initial states (or the weights) hold NaN or ±Inf, that call runs on composed kernels in
 * NaN-exact mode, so non-finite values propagate exactly as in the reference. Finite calls never pay for it
 * beyond one scan of their inputs (about the cost of copying X once).
 */
final class OneDnnPreparedRnn extends AbstractPreparedRnn {
    private final RnnSpec spec;
    private final RnnWeights weights;
    private final NativeResources owned = new NativeResources();
    private final engine eng;
    /** Every per-shape native object of this prepared RNN, whichever path made it; closed before the weights. */
    private final ShapeCache shapes;
    private final boolean composed;
    private final StackRunner stack;
    private final boolean guardNaN;
    private final boolean nonFiniteWeights;
    private final KernelSet regular = new KernelSet(false);
    private final KernelSet nanExact = new KernelSet(true);

    OneDnnPreparedRnn(RnnSpec spec, RnnWeights weights) {
        super(spec, OneDnnErrors.BACKEND);
        this.spec = spec;
        this.weights = weights;
        this.composed = NativeSupport.needsComposition(spec);
        this.guardNaN = NativeSupport.losesNaN(spec);
        this.nonFiniteWeights = guardNaN && NonFinite.any(weights);
        this.shapes = ShapeCache.fromSystemProperties(); // an invalid property fails here, before any native call
        try {
            this.eng = owned.keep(new engine(engine.kind.cpu, 0));
            boolean fast = wholeStack(spec);
            this.stack = fast ? new StackRunner(spec, weights, eng, shapes) : null;
            if (!fast) regular.driver(); // builds the kernels now so that any unsupported feature fails at prepare
        } catch (RuntimeException | Error e) {
            release(); // an Error too: JavaCPP's OutOfMemoryError must not strand what was built before it
            if (!(e instanceof RuntimeException r)) throw e;
            throw OneDnnErrors.translate("preparing", r, spec);
        }
    }

    @Override
    protected RnnOutput compute(RnnInput input) {
        try {
            if (guardNaN && (nonFiniteWeights || NonFinite.any(input))) return nanExact.driver().run(input);
            if (stack != null && allFullLength(input)) return stack.run(input);
            return regular.driver().run(input);
        } catch (RuntimeException e) {
            throw OneDnnErrors.translate("forward", e, spec);
        }
    }

    /** The per-shape cache; for tests. */
    ShapeCache shapes() { return shapes; }

    /**
     * Whether full-length calls run on the {@link StackRunner}: no composition, one activation for both directions,
     * and each layer's weights for all directions in one Java array each (past that, a bidirectional layer with
     * 2^30 to 2^31 floats per direction, every call runs one direction at a time on the layer driver).
     */
    static boolean wholeStack(RnnSpec spec) {
        return !NativeSupport.needsComposition(spec) && NativeSupport.directionsShareActivations(spec)
                && UserWeights.fitsJavaArrays(spec, spec.direction().count());
    }

    private static boolean allFullLength(RnnInput input) {
        int[] lengths = input.sequenceLengths();
        if (lengths == null) return true;
        for (int len : lengths) if (len != input.steps()) return false;
        return true;
    }

    /**
     * One kernel per (layer, direction) and the driver over them, built on the first call that needs them and
     * closed by {@link #release}. Thread-safe: one builder at a time; a failed build closes what it made.
     */
    private final class KernelSet {
        private final boolean nanExactMode;
        private volatile LayerDriver driver;
        private DirectionKernel[] kernels; // guarded by this

        KernelSet(boolean nanExactMode) { this.nanExactMode = nanExactMode; }

        LayerDriver driver() {
            LayerDriver d = driver;
            if (d != null) return d;
            synchronized (this) {
                if (driver == null) {
                    int dirs = spec.direction().count();
                    kernels = new DirectionKernel[spec.layers() * dirs];
                    try {
                        for (int l = 0; l < spec.layers(); l++) {
                            for (int dir = 0; dir < dirs; dir++) {
                                kernels[l * dirs + dir] = composed || nanExactMode
                                        ? ComposedCells.create(eng, spec, l, dir, weights.get(l, dir), nanExactMode, shapes)
                                        : new NativeDirectionKernel(eng, spec, l, dir, weights.get(l, dir), shapes);
                            }
                        }
                    } catch (RuntimeException | Error e) {
                        close();
                        throw e;
                    }
                    driver = new LayerDriver(spec, eng, kernels);
                }
                return driver;
            }
        }

        synchronized void close() {
            if (kernels != null) for (DirectionKernel k : kernels) if (k != null) k.close();
            kernels = null;
            driver = null;
        }
    }

    @Override
    protected void release() {
        shapes.close(); // primitives and plans first: they read the weights the runner and kernels free
        if (stack != null) stack.close();
        regular.close();
        nanExact.close();
        owned.close();
    }
}
