package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.RnnSpec;

/** The GPU self-check covers both paths (native and every composed feature), with distinct names and sane bounds. */
class GpuSelfCheckTest {

    @Test
    void selfCheckCoversTheNativePathAndEveryComposedFeature() {
        Set<String> names = new HashSet<>();
        int nativeCases = 0;
        String composed = "";
        for (GpuSelfCheck.Case c : GpuSelfCheck.cases()) {
            CudnnPlan plan = assertDoesNotThrow(() -> CudnnBackend.plan(c.spec), c.name);
            if (plan.isNative()) nativeCases++;
            composed += plan.composedFeatures();
            assertTrue(names.add(c.name), "duplicate case " + c.name);
        }
        assertEquals(12, nativeCases);
        for (String feature : new String[] {"peephole", "reset-before", "clip", "activations", "projection P=9 >= H=7"}) {
            assertTrue(composed.contains(feature), "no composed self-check case for " + feature + ": " + composed);
        }
        assertEquals(20, names.size());
    }

    /** gpu-compare.py finds Bench's table by its header line, so the two must not drift apart. */
    @Test
    void benchTableHeaderIsTheOneGpuCompareLooksFor() throws IOException {
        String script = Files.readString(Path.of("gpu-compare.py")); // surefire runs in the module's directory
        assertTrue(script.contains("HEADER = \"" + Bench.HEADER + "\""), "gpu-compare.py's HEADER is not Bench.HEADER: " + Bench.HEADER);
        assertTrue(script.contains("THREADS_HEADER = \"" + ConcurrencyBench.HEADER + "\""),
                "gpu-compare.py's THREADS_HEADER is not ConcurrencyBench.HEADER: " + ConcurrencyBench.HEADER);
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
