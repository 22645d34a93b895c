package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.Backends;

/** {@code rnn4j bench} in-process on tiny shapes with few calls: output format and bad flags, never timings. */
class BenchCommandTest {
    private static final String[] TINY = {"bench", "--batch", "2", "--steps", "3", "--input", "4", "--hidden", "5",
        "--warmup", "1", "--iterations", "3"};

    private static MainTest.Result bench(String... extra) {
        String[] args = Arrays.copyOf(TINY, TINY.length + extra.length);
        System.arraycopy(extra, 0, args, TINY.length, extra.length);
        return MainTest.rnn4j(args);
    }

    /** One result row: backend name, then median, min, max in ms and GFLOP/s. */
    private static final Pattern ROW = Pattern.compile("(?m)^%s +\\d+\\.\\d{4} +\\d+\\.\\d{4} +\\d+\\.\\d{4} +\\d+\\.\\d{2}$");

    @Test
    void printsHeaderTableAndPlainProgress() {
        MainTest.Result r = bench("--cell", "gru-lbr", "--layers", "2", "--direction", "bidirectional", "--backends", "reference");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("rnn4j bench: gru_lbr,l2,i4,h5,bidi_concat"), lines.get(0));
        assertTrue(lines.get(0).contains("N=2, T=3") && lines.get(0).contains("warm-up 1, 3 timed calls per backend"), lines.get(0));
        // GFLOP per call: layer 0 2·3·5·(4+5)·2 = 540 + layer 1 2·3·5·(10+5)·2 = 900 flops per (n, t), × N·T = 6.
        assertTrue(lines.get(0).endsWith("0.000 GFLOP per call"), lines.get(0));
        assertEquals("backend         median ms       min ms       max ms    GFLOP/s", lines.get(1));
        assertTrue(Pattern.compile(String.format(ROW.pattern(), "reference")).matcher(r.out()).find(), r.out());
        assertEquals(3, lines.size(), r.out());
        // Not a terminal here: plain lines, one per finished phase, no carriage returns.
        assertEquals("bench: reference warm-up 1/1 done\nbench: reference timing 3/3 done\n", r.err().replace("\r\n", "\n"));
    }

    @Test
    void flopsCountEveryLayerDirectionStepAndSequence() {
        org.rnn4j.RnnSpec s = org.rnn4j.RnnSpec.builder(CellNames.parse("gru-lbr")).inputSize(4).hiddenSize(5)
                .layers(2).direction(Directions.parse("bidirectional")).build();
        assertEquals((540.0 + 900.0) * 2 * 3, BenchCommand.flops(s, 2, 3));
    }

    @Test
    void comparesTwoBackendsWithRatios() {
        boolean required = System.getProperty("rnn4j.test.requireBackends", "").contains("onednn");
        assumeTrue(required || Backends.all().stream().anyMatch(b -> b.name().equals("onednn") && b.probe().available()),
                "oneDNN is not available here and not required");
        MainTest.Result r = bench("--backends", "onednn,reference");
        assertEquals(0, r.status(), r.err());
        assertTrue(Pattern.compile(String.format(ROW.pattern(), "onednn")).matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile(String.format(ROW.pattern(), "reference")).matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("(?m)^ratio    onednn is \\d+\\.\\d{2}× (faster|slower) than reference "
                + "\\(median time reference ÷ onednn = \\d+\\.\\d{4}\\)$").matcher(r.out()).find(), r.out());
    }

    @Test
    void threadsEqualToTheLoadedCountRunsInProcess() {
        MainTest.Result r = bench("--backends", "reference", "--threads", Integer.toString(ThreadReexec.loadedThreads()));
        assertEquals(0, r.status(), r.err());
        assertFalse(r.err().contains("note:"), r.err());
    }

    @Test
    void threadsDifferentFromTheLoadedCountRerunsWithOmpNumThreads() {
        int other = ThreadReexec.loadedThreads() + 1;
        MainTest.Result r = bench("--backends", "reference", "--threads", Integer.toString(other));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().startsWith("note: re-running in a child JVM with OMP_NUM_THREADS=" + other), r.err());
        assertTrue(r.out().contains("; " + other + " native threads (OMP_NUM_THREADS);"), r.out());
        // From JDK 22 on, a child without native access would print the JVM's restricted-method warnings here.
        assertFalse(r.err().contains("WARNING"), r.err());
    }

    @Test
    void theChildJvmIsGrantedNativeAccessOnce() {
        List<String> fresh = ThreadReexec.command(List.of("-Xmx1g"), List.of("bench"));
        assertEquals(1, fresh.stream().filter(a -> a.startsWith("--enable-native-access")).count(), fresh.toString());
        assertTrue(fresh.contains("--enable-native-access=ALL-UNNAMED") && fresh.contains("-Xmx1g"), fresh.toString());
        List<String> given = ThreadReexec.command(List.of("--enable-native-access=ALL-UNNAMED"), List.of("bench"));
        assertEquals(1, given.stream().filter(a -> a.startsWith("--enable-native-access")).count(), given.toString());
        assertEquals(List.of(Main.class.getName(), "bench"), fresh.subList(fresh.size() - 2, fresh.size()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--batch|0|--batch: expected an integer ≥ 1 but was 0",
        "--steps|x|Invalid value for option '--steps'",
        "--iterations|0|--iterations: expected an integer ≥ 1 but was 0",
        "--warmup|-1|--warmup: expected an integer ≥ 0 but was -1",
        "--threads|0|--threads: expected an integer ≥ 1 but was 0",
        "--hidden|0|--hidden: expected an integer ≥ 1 but was 0",
        "--cell|lstmx|--cell: expected one of " + CellNames.NAMES + " but was 'lstmx'",
        "--direction|sideways|--direction: expected one of forward, reverse, bidi-concat, bidi-sum but was 'sideways'",
        "--dtype|f64|--dtype: expected one of f32, bf16, f16 but was 'f64'",
        "--backends|nope|backend: expected one of",
        "--frobnicate|1|Unknown options: '--frobnicate'",
    })
    void badFlagExitsTwoWithOneLine(String flag, String value, String expected) {
        // Only the flag under test: every case is rejected before anything is timed.
        MainTest.Result r = MainTest.rnn4j("bench", flag, value);
        assertEquals(2, r.status(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "more than one line on stderr: " + err);
        assertTrue(err.startsWith("bench: "), err);
        assertTrue(err.contains(expected), "expected '" + expected + "' in: " + err);
        assertEquals("", r.out());
    }
}
