package org.rnn4j.nativecommon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.NativeBackendException;
import org.rnn4j.RnnSpec;

class NativeErrorsTest {
    private final NativeErrors errors = new NativeErrors("demo", c -> c == 3 ? "demo_unimplemented" : null, Pattern.compile("demo_[a-z_]+"));
    private final RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(5).build();

    @Test
    void statusCodeBecomesExceptionWithNameCodeOperationAndCase() {
        NativeBackendException e = assertThrows(NativeBackendException.class, () -> errors.check(3, 0, "creating x", spec));
        assertEquals("demo_unimplemented (3)", e.status());
        assertEquals("creating x", e.operation());
        assertEquals("demo", e.backend());
        assertTrue(e.getMessage().contains(spec.caseName()), e.getMessage());
    }

    @Test
    void successDoesNotThrow() { errors.check(0, 0, "ok", spec); }

    @Test
    void messageWithStatusNumberOrNameIsParsed() {
        assertEquals("demo_unimplemented (3)", ((NativeBackendException) errors.translate("op", new RuntimeException("failed, status: 3"), spec)).status());
        assertEquals("demo_out_of_memory", ((NativeBackendException) errors.translate("op", new RuntimeException("got demo_out_of_memory here"), spec)).status());
        assertEquals("status 42", ((NativeBackendException) errors.translate("op", new RuntimeException("error code 42"), spec)).status());
        NativeBackendException plain = (NativeBackendException) errors.translate("op", new RuntimeException("could not create"), null);
        assertEquals("unknown status", plain.status());
        assertTrue(plain.getMessage().contains("could not create"), plain.getMessage());
    }

    /** Only JavaCPP's plain RuntimeException is a native failure; what Java code throws keeps its type. */
    @Test
    void exceptionsThrownByJavaCodeAreReturnedUnchanged() {
        for (RuntimeException e : new RuntimeException[] {new NullPointerException("This pointer address is NULL."),
                new ArrayIndexOutOfBoundsException(7), new IllegalStateException("forward after close()"),
                new IllegalArgumentException("status 3"), new NegativeArraySizeException("-131072"),
                new ArithmeticException("/ by zero"), new UnsupportedOperationException()}) {
            assertSame(e, errors.translate("op", e, spec), e.getClass().getName());
            assertTrue(!NativeErrors.isNativeFailure(e), e.getClass().getName());
        }
        assertTrue(NativeErrors.isNativeFailure(new RuntimeException("could not create a primitive")));
    }

    @Test
    void alreadyTranslatedPassesThrough() {
        NativeBackendException e = new NativeBackendException("demo", "op", "s", null, null);
        assertSame(e, errors.translate("other", e, spec));
    }

    @Test
    void probeOfAClassWhoseNativesCannotLoadIsUnavailableWithReasonAndFix() {
        // A class without a JNI library: Loader.load throws UnsatisfiedLinkError (jniNativeErrorsTest not found),
        // exactly what a missing classifier jar produces.
        var a = NativeProbe.probe("demo", NativeErrorsTest.class, () -> "never reached", "add the jar");
        assertTrue(!a.available());
        assertTrue(a.reason().contains("UnsatisfiedLinkError") && a.reason().contains("jniNativeErrorsTest")
                && a.reason().contains("fix: add the jar"), a.reason());
    }
}
