package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Direction;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.reference.ReferenceBackend;
import org.rnn4j.testkit.CaseGrid;
import org.rnn4j.testkit.Compare;
import org.rnn4j.testkit.Tolerance;

/**
 * The composed GPU path (driver, weight layout, batch sorting and the real kernel sources) against the float64
 * reference on the emulated device ({@link EmulatedGpu}): the whole cross-backend grid, F16, non-finite data and
 * reuse of one stream's buffers across calls of different shapes.
 */
class ComposedStackTest {
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();

    @BeforeAll
    static void emulator() { EmulatedGpu.assumeAvailable(); }

    @TestFactory
    Stream<DynamicTest> everyCaseOfTheCrossBackendGridMatchesTheReference() { return againstTheReference(CaseGrid.f32()); }

    @TestFactory
    Stream<DynamicTest> everyCaseOfTheF16GridIsWithinTheHalfPrecisionBound() { return againstTheReference(CaseGrid.f16()); }

    @TestFactory
    Stream<DynamicTest> everyMixedCaseMatchesTheReference() {
        return againstTheReference(CaseGrid.mixed(CaseGrid.MIXED_F32, DataType.F32));
    }

    @TestFactory
    Stream<DynamicTest> everyMixedF16CaseIsWithinTheHalfPrecisionBound() {
        return againstTheReference(CaseGrid.mixed(CaseGrid.MIXED_F16, DataType.F16));
    }

    /** One test per case: the composed path within {@link Tolerance} (F32 or F16, from the spec) of the reference. */
    private static Stream<DynamicTest> againstTheReference(List<CaseGrid.Case> cases) {
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            RnnWeights w = RnnWeights.random(c.spec(), c.seed());
            RnnInput in = c.input();
            Compare.assertOutputsClose("composed " + c.name(), reference(c.spec(), w, in), composed(c.spec(), w, in),
                    Tolerance.of(c.spec(), c.steps()));
        }));
    }

    @Test
    void f16SpecsRunOnHalfRoundedDataWithinTheReducedPrecisionBound() {
        List<RnnSpec> specs = List.of(
                RnnSpec.builder(new Cell.Lstm().withAllPeepholes()).inputSize(7).hiddenSize(13).layers(2)
                        .direction(Direction.BIDIRECTIONAL_SUM).dataType(DataType.F16).build(),
                RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(13).hiddenSize(7).clip(0.5)
                        .direction(Direction.REVERSE).dataType(DataType.F16).build());
        for (RnnSpec spec : specs) {
            RnnWeights w = RnnWeights.random(spec, 5);
            RnnInput in = input(spec, 7, 3, new int[] {7, 0, 4}, 11);
            Compare.assertOutputsClose("composed " + spec.caseName(), reference(spec, w, in), composed(spec, w, in),
                    Tolerance.of(spec, 7));
        }
    }

    @Test
    void nonFiniteInputPropagatesExactlyAsInTheReference() {
        // Relu and HardSigmoid are where max/min-based device code would turn NaN into numbers; clip likewise.
        // Each spec gets NaN, +Inf and -Inf at each element of X in turn.
        List<RnnSpec> specs = List.of(
                RnnSpec.builder(Cell.rnn(Activation.RELU)).inputSize(3).hiddenSize(5).layers(2)
                        .direction(Direction.BIDIRECTIONAL_CONCAT).build(),
                RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(5).clip(0.7)
                        .activations(Activation.hardSigmoid(0.2, 0.5), Activation.RELU, Activation.TANH).build(),
                RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3).hiddenSize(5)
                        .activations(Activation.hardSigmoid(0.2, 0.5), Activation.RELU).direction(Direction.REVERSE).build(),
                // A peephole on one gate with an unbounded cell: c reaches ±Inf, and a gate without a peephole
                // must add nothing (0·Inf would be NaN).
                RnnSpec.builder(new Cell.Lstm().withPeepholes(org.rnn4j.Gate.FORGET)).inputSize(3).hiddenSize(5)
                        .activations(Activation.SIGMOID, Activation.RELU, Activation.RELU).build());
        for (RnnSpec spec : specs) {
            RnnWeights w = RnnWeights.random(spec, 3);
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                int nonFinite = 0;
                for (int at = 0; at < 4 * 3 * 3; at++) { // every element of X in turn
                    float[] x = values(4 * 3 * 3, 9);
                    x[at] = bad;
                    RnnInput in = RnnInput.builder(x, Layout.TIME_MAJOR, 4, 3).sequenceLengths(4, 4, 3).build();
                    RnnOutput expected = reference(spec, w, in);
                    RnnOutput actual = composed(spec, w, in);
                    String name = spec.caseName() + " with " + bad + " at x[" + at + "]";
                    nonFinite += assertSameNonFinite(name + " Y", expected.y(), actual.y());
                    assertSameNonFinite(name + " final h", expected.hFinal(), actual.hFinal());
                    assertSameNonFinite(name + " final c", expected.cFinal(), actual.cFinal());
                }
                // NaN always reaches Y; ±Inf may be clipped or saturated into numbers (then those must match).
                if (Float.isNaN(bad)) assertTrue(nonFinite > 0, spec.caseName() + ": NaN should reach Y");
            }
        }
    }

    @Test
    void oneStreamServesCallsOfDifferentShapesInAnyOrder() {
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm().withProjection(3).withPeepholes(org.rnn4j.Gate.FORGET))
                .inputSize(5).hiddenSize(7).layers(2).direction(Direction.BIDIRECTIONAL_CONCAT).build();
        RnnWeights w = RnnWeights.random(spec, 8);
        List<RnnInput> calls = new ArrayList<>();
        calls.add(input(spec, 9, 4, null, 1));
        calls.add(input(spec, 3, 2, new int[] {0, 2}, 2));
        calls.add(input(spec, 5, 3, new int[] {0, 0, 0}, 3)); // no step runs at all
        calls.add(input(spec, 13, 5, new int[] {13, 1, 7, 7, 0}, 4));
        calls.add(input(spec, 1, 1, null, 5));
        try (EmulatedDevice device = new EmulatedDevice(); EmulatedGpu gpu = device.newContext()) {
            ComposedStack stack = ComposedStack.upload(spec, w, device, gpu);
            try {
                for (RnnInput in : calls) {
                    Compare.assertOutputsClose("composed " + spec.caseName() + " T=" + in.steps() + " N=" + in.batch(),
                            reference(spec, w, in), stack.forward(in, gpu), Tolerance.of(spec, in.steps()));
                }
            } finally {
                stack.release(device);
            }
        }
    }

    @Test
    void twoStreamsShareOnePreparedStackConcurrently() throws Exception {
        // The stack (weights, spec) is shared read-only; everything a call mutates lives in its own GpuOps.
        RnnSpec spec = RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(5).hiddenSize(6).layers(2)
                .direction(Direction.BIDIRECTIONAL_SUM).clip(0.8).build();
        RnnWeights w = RnnWeights.random(spec, 4);
        EmulatedDevice device = new EmulatedDevice();
        ComposedStack stack;
        try (EmulatedGpu first = device.newContext()) {
            stack = ComposedStack.upload(spec, w, device, first);
        }
        try {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int thread = 0; thread < 2; thread++) {
                    int seed = thread;
                    done.add(pool.submit(() -> {
                        try (EmulatedGpu gpu = device.newContext()) {
                            for (int call = 0; call < 10; call++) {
                                RnnInput in = input(spec, 3 + (call + seed) % 5, 1 + call % 4, null, 100L * seed + call);
                                Compare.assertOutputsClose("thread " + seed + " call " + call, reference(spec, w, in),
                                        stack.forward(in, gpu), Tolerance.of(spec, in.steps()));
                            }
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) f.get();
            } finally {
                pool.shutdown();
            }
        } finally {
            stack.release(device);
            device.close();
        }
    }

    @Test
    void onlyTheRequestedOutputsAreReturned() {
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm().withAllPeepholes()).inputSize(3).hiddenSize(4).build();
        RnnWeights w = RnnWeights.random(spec, 2);
        RnnInput hOnly = RnnInput.builder(values(5 * 2 * 3, 1), Layout.TIME_MAJOR, 5, 2)
                .outputs(java.util.Set.of(org.rnn4j.OutputKind.H_FINAL)).build();
        RnnOutput out = composed(spec, w, hOnly);
        assertEquals(null, out.y(), "Y was not asked for");
        assertEquals(null, out.cFinal(), "final c was not asked for");
        Compare.assertClose(spec.caseName(), "final h", reference(spec, w, hOnly).hFinal(), out.hFinal(), Tolerance.of(spec, 5));
    }

    @Test
    void eachStepIsOneRecurrentGemmAndOneKernel() {
        // LSTM, 2 layers × 2 directions, 6 steps: per direction 1 input GEMM (2 on layer 1: one per previous
        // direction), 6 recurrent GEMMs, 6 step kernels; each backward direction adds 2 mirror kernels; the last
        // layer's two directions are added by one more (only the sum is downloaded).
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(4).hiddenSize(6).layers(2)
                .direction(Direction.BIDIRECTIONAL_SUM).build();
        RnnWeights w = RnnWeights.random(spec, 1);
        try (EmulatedDevice device = new EmulatedDevice(); EmulatedGpu gpu = device.newContext()) {
            ComposedStack stack = ComposedStack.upload(spec, w, device, gpu);
            try {
                stack.forward(input(spec, 6, 2, null, 1), gpu);
            } finally {
                stack.release(device);
            }
            assertEquals(2 * 1 + 2 * 2 + 4 * 6, gpu.gemms(), "GEMMs");
            assertEquals(4 * 6 + 2 * 2 + 1, gpu.launches(), "kernel launches");
            // Y as [6 steps, 2, S = 6] once (not per direction), then final h and c [4, 2, 6] each.
            assertEquals(6 * 2 * 6 + 2 * 4 * 2 * 6, gpu.downloaded(), "floats downloaded");
        }
    }

    /**
     * F16 on the composed path computes in float on half-rounded data, and rounds what it returns to half values on
     * the device (half.cu). A zero-length sequence's final states are its initial ones exactly as given (not rounded),
     * whether the other rows ran (their states went through the device) or none did, as on the native path. (Leaving
     * out the rounding of the inputs only makes results more accurate, which no tolerance can see; the kernel itself
     * is checked bit for bit in HalfKernelsTest.)
     */
    @Test
    void f16OutputsAreHalfValues() {
        for (Direction d : List.of(Direction.BIDIRECTIONAL_CONCAT, Direction.BIDIRECTIONAL_SUM)) {
            RnnSpec spec = RnnSpec.builder(new Cell.Lstm().withAllPeepholes()).inputSize(5).hiddenSize(6).layers(2)
                    .direction(d).dataType(DataType.F16).build();
            RnnWeights w = RnnWeights.random(spec, 9);
            for (int[] lengths : List.of(new int[] {4, 0, 2}, new int[] {0, 0, 0})) {
                RnnInput in = input(spec, 4, 3, lengths, 9);
                RnnOutput out = composed(spec, w, in);
                String name = spec.caseName() + " lengths " + java.util.Arrays.toString(lengths);
                for (int i = 0; i < out.y().length; i++) {
                    assertEquals(Half.toFloat(Half.fromFloat(out.y()[i])), out.y()[i], name + ": Y element " + i + " is not a half value");
                }
                assertStates(name + " h", in.initialH(), out.hFinal(), lengths, spec.stateSize());
                assertStates(name + " c", in.initialC(), out.cFinal(), lengths, spec.hiddenSize());
            }
        }
    }

    /** Final states [L·D, N, width]: a zero-length row's are its initial ones bit for bit, the others half values. */
    private static void assertStates(String what, float[] initial, float[] actual, int[] lengths, int width) {
        int batch = lengths.length;
        boolean sawUnrounded = false;
        for (int i = 0; i < actual.length; i++) {
            if (lengths[i / width % batch] == 0) {
                assertEquals(Float.floatToRawIntBits(initial[i]), Float.floatToRawIntBits(actual[i]),
                        what + ": element " + i + " of a zero-length row is not its initial state as given");
                sawUnrounded |= Half.toFloat(Half.fromFloat(initial[i])) != initial[i];
            } else {
                assertEquals(Half.toFloat(Half.fromFloat(actual[i])), actual[i], what + ": element " + i + " is not a half value");
            }
        }
        // The initial values are random floats, so rounding them would have shown.
        assertTrue(sawUnrounded, what + ": no zero-length row held a value that is not a half");
    }

    static RnnOutput reference(RnnSpec spec, RnnWeights w, RnnInput in) {
        try (PreparedRnn ref = REFERENCE.prepare(spec, w)) {
            return ref.forward(in);
        }
    }

    /** One call on a fresh emulated device and stream; the device's close fails the test if the weights leaked. */
    static RnnOutput composed(RnnSpec spec, RnnWeights w, RnnInput in) {
        in.requireCompatible(spec);
        try (EmulatedDevice device = new EmulatedDevice(); EmulatedGpu gpu = device.newContext()) {
            ComposedStack stack = ComposedStack.upload(spec, w, device, gpu);
            try {
                return stack.forward(in, gpu);
            } finally {
                stack.release(device);
            }
        }
    }

    /** Batch-major X with {@code lengths}, and random initial states (h, and c for an LSTM); seeds seed, seed + 1, seed + 2. */
    static RnnInput input(RnnSpec spec, int steps, int batch, int[] lengths, long seed) {
        int ld = spec.layers() * spec.direction().count();
        RnnInput.Builder b = RnnInput.builder(values(steps * batch * spec.inputSize(), seed), Layout.BATCH_MAJOR, steps, batch)
                .sequenceLengths(lengths).initialH(values(ld * batch * spec.stateSize(), seed + 1));
        if (spec.cell() instanceof Cell.Lstm) b.initialC(values(ld * batch * spec.hiddenSize(), seed + 2));
        return b.build();
    }

    static float[] values(int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }

    /** Same NaN / ±Inf at the same positions (returns how many); finite values within a loose bound. */
    private static int assertSameNonFinite(String what, float[] expected, float[] actual) {
        if (expected == null) return 0;
        assertEquals(expected.length, actual.length, what + ": length");
        int nonFinite = 0;
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            if (Float.isNaN(e)) {
                assertTrue(Float.isNaN(a), what + "[" + i + "]: expected NaN but was " + a);
                nonFinite++;
            } else if (Float.isInfinite(e)) {
                assertEquals(e, a, what + "[" + i + "]");
                nonFinite++;
            } else {
                assertTrue(Math.abs(e - a) <= 1e-4 * (1 + Math.abs(e)), what + "[" + i + "]: expected " + e + " but was " + a);
            }
        }
        return nonFinite;
    }
}
