package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import java.util.Arrays;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.RnnSpec;

/** The grid itself: every case builds, names are unique, and it really covers what the suite claims. */
class CaseGridTest {

    @Test
    void everyCaseBuildsAValidInputAndHasAUniqueName() {
        List<CaseGrid.Case> cases = CaseGrid.f32();
        Set<String> names = new HashSet<>();
        for (CaseGrid.Case c : cases) {
            c.input().requireCompatible(c.spec());
            assertTrue(names.add(c.name()), "duplicate case name " + c.name());
        }
        assertEquals(CaseGrid.variants().size() * Direction.values().length * 2 * 3, cases.size());
    }

    @Test
    void everyOddSizeAppearsForEveryDimension() {
        Set<Integer> t = new HashSet<>();
        Set<Integer> n = new HashSet<>();
        Set<Integer> i = new HashSet<>();
        Set<Integer> h = new HashSet<>();
        for (CaseGrid.Case c : CaseGrid.f32()) {
            t.add(c.steps());
            n.add(c.batch());
            i.add(c.spec().inputSize());
            h.add(c.spec().hiddenSize());
        }
        for (int s : CaseGrid.SIZES) {
            assertTrue(t.contains(s) && n.contains(s) && i.contains(s) && h.contains(s), "size " + s + " missing: t" + t + " n" + n + " i" + i + " h" + h);
        }
    }

    @Test
    void lengthPatternsIncludeZeroAndFullLength() {
        boolean zero = false;
        boolean ragged = false;
        for (CaseGrid.Case c : CaseGrid.f32()) {
            if (c.lengths() == null) continue;
            for (int len : c.lengths()) {
                zero |= len == 0;
                ragged |= len > 0 && len < c.steps();
            }
        }
        assertTrue(zero && ragged, "zero " + zero + ", ragged " + ragged);
    }

    @Test
    void mixedCasesAreValidUniqueAndReachEveryOption() {
        List<CaseGrid.Case> cases = CaseGrid.mixed(CaseGrid.MIXED_F32, org.rnn4j.DataType.F32);
        Set<String> names = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (CaseGrid.Case c : cases) {
            c.input().requireCompatible(c.spec());
            assertTrue(names.add(c.name()), "duplicate case name " + c.name());
            RnnSpec s = c.spec();
            seen.add(s.direction().name());
            seen.add("layers" + s.layers());
            if (s.clip().isPresent()) seen.add("clip");
            if (c.outputs() != null) seen.add("outputs");
            if (c.initialH()) seen.add("h0");
            if (c.initialC()) seen.add("c0");
            if (c.lengths() != null && Arrays.stream(c.lengths()).allMatch(len -> len == 0)) seen.add("all-zero");
            if (!s.activationsOf(0).equals(s.cell().defaultActivations())) seen.add("activations");
            if (s.direction().count() == 2 && !s.activationsOf(0).equals(s.activationsOf(1))) {
                seen.add("activations per direction");
            }
            if (s.cell() instanceof Cell.Lstm lstm) {
                if (lstm.hasProjection()) seen.add(lstm.projectionSize() >= s.hiddenSize() ? "P >= H" : "P < H");
                if (lstm.coupling() != Cell.Coupling.NONE && lstm.hasPeephole(Gate.FORGET)) seen.add("cifg + peephole");
                if (lstm.hasProjection() && s.layers() > 1 && s.direction().count() == 2) seen.add("stacked bidi projection");
            }
            if (s.cell() instanceof Cell.Gru gru) seen.add(gru.resetMode().name());
        }
        for (String option : List.of("FORWARD", "REVERSE", "BIDIRECTIONAL_CONCAT", "BIDIRECTIONAL_SUM", "layers1", "layers2",
                "layers3", "clip", "outputs", "h0", "c0", "all-zero", "activations", "activations per direction", "P >= H",
                "P < H", "cifg + peephole", "stacked bidi projection", "RESET_BEFORE", "LINEAR_BEFORE_RESET")) {
            assertTrue(seen.contains(option), "no mixed case has " + option);
        }
    }
}
