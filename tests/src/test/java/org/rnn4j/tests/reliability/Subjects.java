package org.rnn4j.tests.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.Activation;
import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.RnnSpec;
import org.rnn4j.tests.TestBackends;

/**
 * What the reliability tests run on: the backends (the reference and oneDNN), a handful of small specs that cover
 * the native and the composed oneDNN paths, seeded random data, and the CI-versus-stress counts. Stateless.
 */
final class Subjects {
    /** {@code -Drnn4j.test.stress=true}: the large counts reported in docs/reliability.md. */
    static final boolean STRESS = Boolean.getBoolean("rnn4j.test.stress");

    private Subjects() {}

    /** {@code ci} in the ordinary build, {@code stress} under {@code -Drnn4j.test.stress=true}. */
    static int count(int ci, int stress) { return STRESS ? stress : ci; }

    static Backend reference() { return Backends.select("reference"); }

    /** The oneDNN backend; the calling test is skipped with the probe reason (or fails, when required). */
    static Backend onednn() {
        for (Backend b : Backends.all()) {
            if (b.name().equals("onednn")) {
                TestBackends.assumeAvailable(b);
                return b;
            }
        }
        throw new IllegalStateException("the onednn backend is not on the test class path");
    }

    /**
     * Every available native backend — oneDNN; cuDNN on a GPU; the tests' emulated cuDNN path (`cudnn-emulated`)
     * where g++ is — for the tests whose contract every backend must keep (concurrency, close races, non-finite
     * data). A required backend that is unavailable fails the calling test; none available skips it with the reasons.
     */
    static List<Backend> natives() {
        List<Backend> list = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Backend b : TestBackends.nativeBackends()) {
            if (b.probe().available()) {
                list.add(b);
            } else {
                if (TestBackends.required().contains(b.name())) TestBackends.assumeAvailable(b); // fails
                reasons.add(b.name() + ": " + b.probe().reason());
            }
        }
        org.junit.jupiter.api.Assumptions.assumeFalse(list.isEmpty(), "no native backend available: " + reasons);
        return list;
    }

    /** The reference and, when available, oneDNN: the API contract holds on both. */
    static List<Backend> apiBackends() {
        List<Backend> list = new ArrayList<>();
        list.add(reference());
        for (Backend b : Backends.all()) if (b.name().equals("onednn") && b.probe().available()) list.add(b);
        if (list.size() == 1 && TestBackends.required().contains("onednn")) onednn(); // fails with the probe reason
        return list;
    }

    /** Plain LSTM: oneDNN's native whole-stack path. */
    static RnnSpec plainLstm() {
        return RnnSpec.builder(new Cell.Lstm()).inputSize(5).hiddenSize(7).layers(2).direction(Direction.FORWARD).build();
    }

    /** Bidirectional GRU (linear before reset): native, both directions in one primitive. */
    static RnnSpec bidiGru() {
        return RnnSpec.builder(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(4).hiddenSize(6)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build();
    }

    /** LSTM with clip and peepholes on only some gates: oneDNN composes it from primitives. */
    static RnnSpec composedClipLstm() {
        return RnnSpec.builder(new Cell.Lstm().withPeepholes(Gate.INPUT, Gate.OUTPUT)).inputSize(3).hiddenSize(5)
                .clip(0.75).direction(Direction.BIDIRECTIONAL_SUM).build();
    }

    /** GRU (reset before) with a non-default activation and a projection-free 2-layer reverse stack: composed. */
    /** A composed GRU whose activations all propagate NaN in oneDNN (Softsign, ScaledTanh are not min/max-based). */
    static RnnSpec composedNanPropagatingGru() {
        return RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(3).hiddenSize(4).layers(2)
                .direction(Direction.REVERSE).activations(Activation.SIGMOID, Activation.scaledTanh(1.2, 0.8)).build();
    }

    static RnnSpec composedGru() {
        return RnnSpec.builder(new Cell.Gru(Cell.ResetMode.RESET_BEFORE)).inputSize(3).hiddenSize(4).layers(2)
                .direction(Direction.REVERSE).activations(Activation.HARD_SIGMOID_DEFAULT, Activation.TANH).build();
    }

    /** LSTM with a projection and clip: composed. */
    static RnnSpec projectedLstm() {
        return RnnSpec.builder(new Cell.Lstm().withProjection(3)).inputSize(4).hiddenSize(6).clip(2.0).build();
    }

    static List<RnnSpec> specs() {
        return List.of(plainLstm(), bidiGru(), composedClipLstm(), composedGru(), projectedLstm());
    }

    /** Uniform floats in [-1, 1), reproducible from {@code seed}. */
    static float[] data(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }
}
