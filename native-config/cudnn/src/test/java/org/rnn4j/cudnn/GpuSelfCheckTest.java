package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.RnnSpec;

/** The GPU self-check only asks for specs this release plans natively, with distinct names and sane bounds. */
class GpuSelfCheckTest {

    @Test
    void everySelfCheckCaseIsPlannedNatively() {
        Set<String> names = new HashSet<>();
        for (GpuSelfCheck.Case c : GpuSelfCheck.cases()) {
            assertDoesNotThrow(() -> CudnnBackend.plan(c.spec), c.name);
            assertTrue(names.add(c.name), "duplicate case " + c.name);
        }
        assertEquals(10, names.size());
    }

    @Test
    void boundsAreSmallForF32AndLooserForF16() {
        RnnSpec f32 = RnnSpec.builder(Cell.lstm()).inputSize(13).hiddenSize(17).build();
        double b32 = GpuSelfCheck.bound(f32, 5);
        assertTrue(b32 > 1e-6 && b32 < 1e-4, "f32 bound " + b32);
        RnnSpec f16 = RnnSpec.builder(Cell.lstm()).inputSize(64).hiddenSize(64).dataType(DataType.F16).build();
        double b16 = GpuSelfCheck.bound(f16, 8);
        assertTrue(b16 > 1e-3 && b16 < 5e-2, "f16 bound " + b16);
    }
}
