package org.rnn4j.tests.onnx;

import org.rnn4j.Availability;
import org.rnn4j.Backend;
import org.rnn4j.Cell;
import org.rnn4j.OutputKind;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.spi.AbstractPreparedRnn;

/**
 * A test double that returns zeros of the right sizes for exactly the outputs asked for, so importer shapes can be
 * checked without computing anything. Not registered with ServiceLoader; stateless and thread-safe.
 */
final class ZeroBackend implements Backend {
    @Override public String name() { return "zero"; }

    @Override public int rank() { return 0; }

    @Override public boolean isNative() { return false; }

    @Override public Availability probe() { return Availability.available("test double"); }

    @Override
    public PreparedRnn prepare(RnnSpec spec, RnnWeights weights) {
        return new AbstractPreparedRnn(spec, name()) {
            @Override
            protected RnnOutput compute(RnnInput in) {
                int ld = spec.layers() * spec.direction().count();
                float[] y = in.wants(OutputKind.Y, spec) ? new float[in.steps() * in.batch() * spec.outputSize()] : null;
                float[] h = in.wants(OutputKind.H_FINAL, spec) ? new float[ld * in.batch() * spec.stateSize()] : null;
                boolean lstm = spec.cell() instanceof Cell.Lstm;
                float[] c = lstm && in.wants(OutputKind.C_FINAL, spec) ? new float[ld * in.batch() * spec.hiddenSize()] : null;
                return new RnnOutput(y, h, c, in.layout(), in.steps(), in.batch(), spec.outputSize());
            }

            @Override
            protected void release() {}
        };
    }
}
