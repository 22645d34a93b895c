package org.rnn4j.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Backend;
import org.rnn4j.DataType;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnWeights;
import org.rnn4j.UnsupportedConfigurationException;
import org.rnn4j.reference.ReferenceBackend;
import org.rnn4j.testkit.CaseGrid;
import org.rnn4j.testkit.Compare;
import org.rnn4j.testkit.Tolerance;

/**
 * Every native backend against the float64 reference over {@link CaseGrid}: random weights (so a wrong gate order
 * shows), odd sizes, ragged and zero lengths, both layouts, initial states; then the mixed cases, which combine
 * every option at random (requested outputs and separate initial h and c included).
 */
class CrossBackendSuiteTest {
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();

    @TestFactory
    Stream<DynamicNode> nativeBackendsAgreeWithTheReferenceInF32() {
        return perBackend(CaseGrid.f32(), false);
    }

    @TestFactory
    Stream<DynamicNode> nativeBackendsAgreeWithTheReferenceInF16() {
        return perBackend(CaseGrid.f16(), true);
    }

    @TestFactory
    Stream<DynamicNode> nativeBackendsAgreeWithTheReferenceOnMixedOptionsInF32() {
        return perBackend(CaseGrid.mixed(CaseGrid.MIXED_F32, DataType.F32), false);
    }

    @TestFactory
    Stream<DynamicNode> nativeBackendsAgreeWithTheReferenceOnMixedOptionsInF16() {
        return perBackend(CaseGrid.mixed(CaseGrid.MIXED_F16, DataType.F16), true);
    }

    @TestFactory
    Stream<DynamicNode> nativeBackendsAgreeWithTheReferenceInBf16() {
        return perBackend(CaseGrid.bf16(), true);
    }

    private static Stream<DynamicNode> perBackend(List<CaseGrid.Case> cases, boolean optionalPrecision) {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Backend b : TestBackends.nativeBackends()) {
            List<DynamicTest> tests = new ArrayList<>();
            for (CaseGrid.Case c : cases) {
                tests.add(DynamicTest.dynamicTest(c.name(), () -> check(b, c, optionalPrecision)));
            }
            nodes.add(DynamicContainer.dynamicContainer(b.name(), tests));
        }
        return nodes.stream();
    }

    private static void check(Backend backend, CaseGrid.Case c, boolean optionalPrecision) {
        TestBackends.assumeAvailable(backend);
        RnnWeights w = RnnWeights.random(c.spec(), c.seed());
        RnnInput in = c.input();
        RnnOutput expected;
        try (PreparedRnn ref = REFERENCE.prepare(c.spec(), w)) {
            expected = ref.forward(in);
        }
        PreparedRnn subject;
        try {
            subject = backend.prepare(c.spec(), w);
        } catch (UnsupportedConfigurationException e) {
            // Reduced precision depends on the CPU/GPU; F32 must always run.
            if (!optionalPrecision) throw e;
            Assumptions.abort(e.getMessage());
            return;
        }
        try (subject) {
            Compare.assertOutputsClose(backend.name() + " " + c.name(), expected, subject.forward(in), Tolerance.of(c.spec(), c.steps()));
        }
    }
}
