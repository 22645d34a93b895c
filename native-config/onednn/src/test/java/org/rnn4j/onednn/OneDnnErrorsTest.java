package org.rnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.global.dnnl;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.NativeBackendException;
import org.rnn4j.RnnSpec;

/**
 * oneDNN failures become {@link NativeBackendException}s; exceptions thrown by Java code (a bug in ours, a failed
 * check) keep their type instead of passing for a native failure with "unknown status".
 */
class OneDnnErrorsTest {
    private final RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(5).build();

    /** Pins what the translation relies on: the preset reports a C++ exception as a RuntimeException of that class. */
    @Test
    void aOneDnnFailureArrivesAsAPlainRuntimeExceptionAndBecomesANativeBackendException() {
        try (engine eng = new engine(engine.kind.cpu, 0);
             memory.desc a = new memory.desc(new long[] {2, 3}, memory.data_type.f32, memory.format_tag.ab);
             memory.desc b = new memory.desc(new long[] {5, 7}, memory.data_type.f32, memory.format_tag.ab)) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> new binary.primitive_desc(eng, dnnl.algorithm.binary_add, a, b, a).close());
            assertEquals(RuntimeException.class, e.getClass(), "JavaCPP's exception class for a C++ exception");
            NativeBackendException n = assertInstanceOf(NativeBackendException.class,
                    OneDnnErrors.translate("creating a binary primitive", e, spec));
            assertEquals("onednn", n.backend());
            assertEquals("creating a binary primitive", n.operation());
            assertTrue(n.getMessage().contains("could not create a primitive descriptor") && n.getMessage().contains(spec.caseName()),
                    n.getMessage());
            assertSame(e, n.getCause());
        }
    }

    @Test
    void exceptionsFromJavaCodeAreRethrownAsThemselves() {
        for (RuntimeException e : new RuntimeException[] {new NullPointerException(), new IndexOutOfBoundsException(3),
                new IllegalStateException("a bug"), new NegativeArraySizeException("-131072")}) {
            assertSame(e, OneDnnErrors.translate("forward", e, spec), e.getClass().getName());
        }
    }
}
