package org.rnn4j.onednn.composed;

import java.util.Random;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.rnn4j.Cell;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;
import org.rnn4j.onednn.DirectionKernel;

/** Random weights and inputs, and one f32 kernel run on host arrays. Not thread-safe; for tests only. */
final class KernelHarness {

    /** f32 outputs of one run. */
    record Outputs(float[] y, float[] hT, float[] cT) { }

    /** Inputs of one run. */
    record Inputs(float[] x, float[] h0, float[] c0) { }

    private KernelHarness() { }

    /**
     * Uniform weights in ±0.8/√fan-in (non-constant, so a gate-order mistake changes the result), biases and
     * peepholes in ±0.5; keeps every recurrence here contracting so errors do not grow with T.
     */
    static LayerWeights randomWeights(RnnSpec spec, int layer, long seed) {
        Random rnd = new Random(seed);
        Cell cell = spec.cell();
        int gh = cell.gateCount() * spec.hiddenSize();
        int in = spec.layerInputSize(layer);
        int s = spec.stateSize();
        int h = spec.hiddenSize();
        float[] w = uniform(rnd, gh * in, 0.8 / Math.sqrt(in));
        float[] r = uniform(rnd, gh * s, 0.8 / Math.sqrt(s));
        float[] wb = uniform(rnd, gh, 0.5);
        float[] rb = uniform(rnd, gh, 0.5);
        float[] peephole = null;
        float[] projection = null;
        if (cell instanceof Cell.Lstm lstm) {
            if (!lstm.peepholes().isEmpty()) peephole = uniform(rnd, 3 * h, 0.5);
            if (lstm.hasProjection()) projection = uniform(rnd, s * h, 0.8 / Math.sqrt(h));
        }
        return new LayerWeights(w, r, wb, rb, peephole, projection);
    }

    static Inputs randomInputs(RnnSpec spec, int layer, int steps, int batch, long seed) {
        Random rnd = new Random(seed);
        boolean lstm = spec.cell() instanceof Cell.Lstm;
        return new Inputs(uniform(rnd, steps * batch * spec.layerInputSize(layer), 1.0),
                uniform(rnd, batch * spec.stateSize(), 1.0),
                lstm ? uniform(rnd, batch * spec.hiddenSize(), 1.0) : null);
    }

    static float[] uniform(Random rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        return a;
    }

    static Outputs run(DirectionKernel k, stream s, RnnSpec spec, Inputs in, int steps, int batch) {
        boolean lstm = spec.cell() instanceof Cell.Lstm;
        int ss = spec.stateSize();
        try (FloatPointer x = new FloatPointer(in.x().length == 0 ? new float[1] : in.x());
             FloatPointer h0 = new FloatPointer(in.h0());
             FloatPointer c0 = lstm ? new FloatPointer(in.c0()) : null;
             FloatPointer y = new FloatPointer(Math.max(1, (long) steps * batch * ss));
             FloatPointer hT = new FloatPointer((long) batch * ss);
             FloatPointer cT = lstm ? new FloatPointer((long) batch * spec.hiddenSize()) : null) {
            k.run(s, x, steps, batch, h0, c0, y, hT, cT);
            float[] ya = new float[steps * batch * ss];
            y.get(ya);
            float[] ha = new float[batch * ss];
            hT.get(ha);
            float[] ca = null;
            if (lstm) {
                ca = new float[batch * spec.hiddenSize()];
                cT.get(ca);
            }
            return new Outputs(ya, ha, ca);
        }
    }

    static engine cpu() {
        return new engine(engine.kind.cpu, 0);
    }
}
