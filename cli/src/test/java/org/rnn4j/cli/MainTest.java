package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.Backends;
import org.rnn4j.onnx.OnnxTensor;

/** The command line, run in-process through {@link Main#execute}. */
class MainTest {
    @TempDir Path tmp;

    /** Exit status, stdout and stderr of one invocation. */
    record Result(int status, String out, String err) {}

    static Result rnn4j(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }

    /** A writable copy of a node test from the test resources. */
    private Path copyOf(String test) {
        try {
            Path src = Paths.get(MainTest.class.getResource("/node-tests/" + test + "/model.onnx").toURI()).getParent();
            Path dst = tmp.resolve(test);
            try (Stream<Path> files = Files.walk(src)) {
                for (Path p : files.collect(Collectors.toList())) {
                    Path target = dst.resolve(src.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(target); else Files.copy(p, target);
                }
            }
            return dst;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"test_lstm_with_peepholes", "test_gru_batchwise", "test_simple_rnn_bidirectional"})
    void runWritesOutputsEqualToTheExpectedOnes(String test) throws IOException {
        Path dir = copyOf(test);
        Path data = dir.resolve("test_data_set_0");
        Path out = tmp.resolve("out");
        Result r = rnn4j("run", dir.resolve("model.onnx").toString(), data.toString(), out.toString(), "--backend", "reference");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        List<Path> expectedFiles;
        try (Stream<Path> s = Files.list(data)) {
            expectedFiles = s.filter(p -> p.getFileName().toString().startsWith("output_")).sorted().collect(Collectors.toList());
        }
        List<String> written;
        try (Stream<Path> s = Files.list(out)) {
            written = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertEquals(expectedFiles.stream().map(p -> p.getFileName().toString()).collect(Collectors.toList()), written);
        for (Path e : expectedFiles) {
            OnnxTensor expected = OnnxTensor.read(e);
            OnnxTensor got = OnnxTensor.read(out.resolve(e.getFileName()));
            assertEquals(expected.name(), got.name());
            assertArrayEquals(expected.dims(), got.dims(), e.getFileName().toString());
            float[] ev = expected.floats();
            float[] gv = got.floats();
            for (int i = 0; i < ev.length; i++) {
                // The ONNX node-test pass rule; NaN fails the comparison.
                assertTrue(Math.abs(gv[i] - ev[i]) <= 1e-4 + 1e-4 * Math.abs(ev[i]),
                        test + " " + e.getFileName() + "[" + i + "]: expected " + ev[i] + " but was " + gv[i]);
            }
        }
    }

    /** A failing run: status 2, exactly one line on stderr containing every part, no output file. */
    private void assertBadInput(Result r, Path outDir, String... parts) throws IOException {
        assertEquals(2, r.status(), "stderr: " + r.err());
        String err = r.err().strip();
        assertFalse(err.isEmpty(), "stderr is empty");
        assertFalse(err.contains("\n"), "more than one line on stderr: " + err);
        for (String p : parts) assertTrue(err.contains(p), "expected '" + p + "' in: " + err);
        if (Files.exists(outDir)) {
            try (Stream<Path> s = Files.list(outDir)) {
                assertEquals(List.of(), s.collect(Collectors.toList()), "files left in OUTPUT_DIR");
            }
        }
    }

    private Result run(Path dir, String... extra) {
        String[] base = {"run", dir.resolve("model.onnx").toString(), dir.resolve("test_data_set_0").toString(),
                tmp.resolve("out").toString()};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return rnn4j(args);
    }

    @Test
    void missingModelFile() throws IOException {
        Path dir = copyOf("test_gru_batchwise");
        Files.delete(dir.resolve("model.onnx"));
        assertBadInput(run(dir, "--backend", "reference"), tmp.resolve("out"), "model.onnx", "does not exist");
    }

    @Test
    void truncatedModelFile() throws IOException {
        Path dir = copyOf("test_gru_batchwise");
        byte[] b = Files.readAllBytes(dir.resolve("model.onnx"));
        Files.write(dir.resolve("model.onnx"), Arrays.copyOf(b, b.length - 7));
        assertBadInput(run(dir, "--backend", "reference"), tmp.resolve("out"), "model.onnx", "malformed");
    }

    @Test
    void missingInputFile() throws IOException {
        Path dir = copyOf("test_gru_batchwise");
        Files.delete(dir.resolve("test_data_set_0/input_2.pb"));
        assertBadInput(run(dir, "--backend", "reference"), tmp.resolve("out"), "input_2.pb", "'R'", "does not exist");
    }

    @Test
    void extraInputFile() throws IOException {
        Path dir = copyOf("test_gru_batchwise");
        Files.copy(dir.resolve("test_data_set_0/input_2.pb"), dir.resolve("test_data_set_0/input_3.pb"));
        assertBadInput(run(dir, "--backend", "reference"), tmp.resolve("out"), "input_3.pb", "only 3 inputs");
    }

    @Test
    void malformedInputFile() throws IOException {
        Path dir = copyOf("test_gru_batchwise");
        Path f = dir.resolve("test_data_set_0/input_1.pb");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 3));
        assertBadInput(run(dir, "--backend", "reference"), tmp.resolve("out"), "input_1.pb", "malformed");
    }

    @Test
    void wrongShape() throws IOException {
        Path dir = copyOf("test_gru_batchwise");
        Path f = dir.resolve("test_data_set_0/input_0.pb");
        OnnxTensor x = OnnxTensor.read(f);
        long[] d = x.dims();
        OnnxTensor.ofFloats(x.name(), x.floats(), d[1], d[0], d[2]).write(f);
        assertBadInput(run(dir, "--backend", "reference"), tmp.resolve("out"), "input_0.pb", "'X'", "expected dims",
                Arrays.toString(new long[] {d[1], d[0], d[2]}));
    }

    @Test
    void wrongDtype() throws IOException {
        Path dir = copyOf("test_gru_batchwise");
        Path f = dir.resolve("test_data_set_0/input_1.pb");
        OnnxTensor w = OnnxTensor.read(f);
        OnnxTensor.ofInts(w.name(), new int[w.elementCount()], w.dims()).write(f);
        assertBadInput(run(dir, "--backend", "reference"), tmp.resolve("out"), "input_1.pb", "FLOAT (1)", "INT32 (6)");
    }

    @Test
    void unknownBackend() throws IOException {
        Path dir = copyOf("test_gru_batchwise");
        assertBadInput(run(dir, "--backend", "nope"), tmp.resolve("out"), "'nope'");
    }

    @Test
    void unknownOptionAndMissingArgumentsAreOneLineUsageErrors() throws IOException {
        Path dir = copyOf("test_gru_batchwise");
        assertBadInput(run(dir, "--colour"), tmp.resolve("out"), "--colour");
        assertBadInput(rnn4j("run", "model.onnx"), tmp.resolve("out"), "INPUT_DIR");
        assertBadInput(rnn4j("frobnicate"), tmp.resolve("out"), "frobnicate");
    }

    @Test
    void outputDirThatIsAFile() throws IOException {
        Path dir = copyOf("test_gru_batchwise");
        Files.write(tmp.resolve("out"), new byte[0]);
        Result r = run(dir, "--backend", "reference");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("OUTPUT_DIR"), r.err());
    }

    @Test
    void verifyComparesWithTheReference() {
        Path dir = copyOf("test_lstm_with_peepholes");
        Result r = rnn4j("verify", dir.resolve("model.onnx").toString(), dir.resolve("test_data_set_0").toString(),
                "--backend", "reference");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("Y_h") && r.out().contains("max |reference - reference| = 0.000e+00"), r.out());
        assertTrue(r.out().strip().endsWith("PASS"), r.out());
    }

    @Test
    void infoListsEveryBackendAndTheRuntime() {
        Result r = rnn4j("info");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("reference"), r.out());
        assertTrue(r.out().contains("java:") && r.out().contains("os:") && r.out().contains(System.getProperty("os.arch")), r.out());
        assertTrue(r.out().contains("default:"), r.out());
    }

    @Test
    void noArgumentsRunsTheDemo() {
        Result r = rnn4j();
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("backend:") && r.out().contains("lstm,l2,i16,h32,bidi_concat")
                && r.out().contains("Y [10, 4, 64]") && r.out().contains("checksum:"), r.out());
    }

    @Test
    void theDemoRefusesAMistypedBackendPropertyWithTheErrorOfTheOtherCommands() throws IOException {
        Path dir = copyOf("test_gru_batchwise");
        String before = System.getProperty(Backends.PROPERTY);
        System.setProperty(Backends.PROPERTY, "foo");
        Result demo;
        Result run;
        try {
            demo = rnn4j();
            run = run(dir);
        } finally {
            if (before == null) System.clearProperty(Backends.PROPERTY); else System.setProperty(Backends.PROPERTY, before);
        }
        assertBadInput(demo, tmp.resolve("out"), "'foo'");
        assertFalse(demo.out().contains("falling back") || demo.out().contains("checksum"), "the demo ran anyway: " + demo.out());
        assertBadInput(run, tmp.resolve("out"), "'foo'");
        assertEquals(run.err().strip().replaceFirst("^run: ", ""), demo.err().strip().replaceFirst("^rnn4j: ", ""),
                "the demo's error differs from run's");
    }

    @Test
    void theDemoRefusesAMistypedBackendEnvironmentVariable() throws IOException, InterruptedException {
        // RNN4J_BACKEND cannot be set in this JVM: the CLI runs in a child JVM with it set.
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put(Backends.ENV, "foo");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Path stdout = tmp.resolve("stdout.txt");
        Path stderr = tmp.resolve("stderr.txt");
        Process p = pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        Result r = new Result(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
        assertBadInput(r, tmp.resolve("out"), "backend: expected one of", "'foo'");
        assertFalse(r.out().contains("checksum"), "the demo ran anyway: " + r.out());
    }

    @Test
    void theDemoFallsBackToTheReferenceOnlyWhenNoBackendIsNamed() {
        // Named explicitly, the reference runs without any note; the fallback note is for the automatic choice only.
        String before = System.getProperty(Backends.PROPERTY);
        System.setProperty(Backends.PROPERTY, "reference");
        try {
            Result r = rnn4j();
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("backend:  reference") && !r.out().contains("note:"), r.out());
        } finally {
            if (before == null) System.clearProperty(Backends.PROPERTY); else System.setProperty(Backends.PROPERTY, before);
        }
    }
}
