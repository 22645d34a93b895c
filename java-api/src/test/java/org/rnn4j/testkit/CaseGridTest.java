package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rnn4j.Direction;

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
}
