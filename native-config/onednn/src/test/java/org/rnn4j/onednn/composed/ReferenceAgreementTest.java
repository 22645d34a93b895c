package org.rnn4j.onednn.composed;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.LayerWeights;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.onednn.DirectionKernel;
import org.rnn4j.reference.ReferenceBackend;

/** The kernel against the project's float64 reference backend, 1-layer forward specs, every case of the grid. */
class ReferenceAgreementTest extends OnCpu {


    @ParameterizedTest(name = "{0}")
    @MethodSource("org.rnn4j.onednn.composed.ComposedCellsTest#cases")
    void matchesReferenceBackend(String name, RnnSpec spec, int steps, int batch) {
        LayerWeights w = KernelHarness.randomWeights(spec, 0, name.hashCode() + 7L);
        KernelHarness.Inputs in = KernelHarness.randomInputs(spec, 0, steps, batch, name.hashCode() + 8L);
        RnnInput.Builder input = RnnInput.builder(in.x(), Layout.TIME_MAJOR, steps, batch).initialH(in.h0());
        if (in.c0() != null) input.initialC(in.c0());
        RnnOutput want;
        try (PreparedRnn ref = new ReferenceBackend().prepare(spec, RnnWeights.of(spec, List.of(w)))) {
            want = ref.forward(input.build());
        }
        KernelHarness.Outputs got;
        try (DirectionKernel k = ComposedCells.create(eng, spec, 0, 0, w)) {
            got = KernelHarness.run(k, strm, spec, in, steps, batch);
        }
        ComposedCellsTest.assertClose(name, "y vs reference", toDouble(want.y()), got.y());
        ComposedCellsTest.assertClose(name, "hT vs reference", toDouble(want.hFinal()), got.hT());
        if (got.cT() != null) ComposedCellsTest.assertClose(name, "cT vs reference", toDouble(want.cFinal()), got.cT());
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
