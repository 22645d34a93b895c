package example.consumer;

import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * What a user of rnn4j-platform writes first: one LSTM forward on the default backend, checked against the
 * float64 reference. Prints {@code backend=NAME} for the consumer-check script; exits 2 if the two disagree.
 * Single-threaded; every native handle is closed before exit.
 */
public final class Main {

    /*
     * float32 against float64 over dot products of at most I+H+2 = 16 terms of magnitude below 1, through five
     * recurrent steps whose Jacobian is contracting (sigmoid/tanh slopes <= 1): the rounding error stays near
     * 16 * 2^-24 per step, about 1e-6. 1e-4 leaves two orders of magnitude of margin and is still a hundred
     * times smaller than what a swapped gate or a dropped bias does to these outputs (>= 1e-2).
     */
    private static final double TOLERANCE = 1e-4;

    private Main() {}

    public static void main(String[] args) {
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm())
                .inputSize(6).hiddenSize(8).layers(1).direction(Direction.FORWARD)
                .build();
        RnnWeights weights = RnnWeights.random(spec, 42);
        int steps = 5;
        int batch = 3;
        float[] x = new float[steps * batch * spec.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(0.37 * i);
        }

        Backend chosen = Backends.select();
        System.out.println("backend=" + chosen.name());
        float[] y = forward(chosen, spec, weights, x, steps, batch);
        float[] expected = forward(Backends.select("reference"), spec, weights, x, steps, batch);

        double maxError = 0;
        for (int i = 0; i < y.length; i++) {
            maxError = Math.max(maxError, Math.abs(y[i] - expected[i]));
        }
        System.out.printf("lstm i6 h8 t%d n%d: %d outputs, max |%s - reference| = %.3g (tolerance %.0e)%n",
                steps, batch, y.length, chosen.name(), maxError, TOLERANCE);
        if (!(maxError <= TOLERANCE)) {
            System.err.println("FAIL: " + chosen.name() + " disagrees with the reference backend");
            System.exit(2);
        }
    }

    private static float[] forward(Backend backend, RnnSpec spec, RnnWeights weights, float[] x, int steps, int batch) {
        try (PreparedRnn rnn = backend.prepare(spec, weights)) {
            return rnn.forward(RnnInput.builder(x, Layout.TIME_MAJOR, steps, batch).build()).y();
        }
    }
}
