package org.rnn4j.bench;

import org.rnn4j.Backends;
import org.rnn4j.DataType;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Evidence that ONNX Runtime times the same computation: one forward of rnn4j (oneDNN) and of the ONNX graph on the
 * benchmark's weights and input, compared element-wise. Stateless; each call loads and frees its own resources.
 */
final class OrtEquivalence {
    private OrtEquivalence() {}

    /** max |Y_rnn4j − Y_ort| over every element of Y (padding included), or NaN with a message on stderr. */
    static double maxAbsDifference(BenchShape s) {
        RnnSpec spec = s.spec(DataType.F32);
        RnnWeights w = RnnWeights.random(spec, 1);
        RnnInput in = RnnForwardBenchmark.input(s, spec);
        try (PreparedRnn rnn = Backends.select("onednn").prepare(spec, w);
                OrtRunner ort = new OrtRunner(spec, w, in, 1)) {
            float[] ours = rnn.forward(in).y();
            ort.run();
            float[] theirs = ort.y();
            if (ours.length != theirs.length) {
                throw new IllegalStateException("Y sizes differ: rnn4j " + ours.length + ", ONNX Runtime " + theirs.length);
            }
            double max = 0;
            for (int i = 0; i < ours.length; i++) max = Math.max(max, Math.abs((double) ours[i] - theirs[i]));
            return max;
        } catch (Exception e) {
            System.err.println(s + ": ONNX Runtime equivalence check failed: " + e);
            return Double.NaN;
        }
    }
}
