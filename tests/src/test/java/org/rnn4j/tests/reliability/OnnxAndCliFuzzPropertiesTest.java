package org.rnn4j.tests.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.rnn4j.Backend;
import org.rnn4j.cli.Main;
import org.rnn4j.onnx.OnnxRnnModel;
import org.rnn4j.onnx.OnnxTensor;

/**
 * Damaged ONNX models and input tensors through the API ({@code OnnxRnnModel.parse} → bind → run) on the reference
 * and oneDNN, and through the command line in-process ({@code rnn4j run}): every structurally invalid case ends in
 * {@link IllegalArgumentException} naming the file or tensor (API) or exit status 2 with one line on stderr and no
 * file in OUTPUT_DIR (CLI). Byte-level damage may happen to leave a valid model: then the run must succeed.
 */
class OnnxAndCliFuzzPropertiesTest {
    private static final AtomicInteger API_REJECTED = new AtomicInteger();
    private static final AtomicInteger CLI_REJECTED = new AtomicInteger();
    private static final AtomicInteger STILL_VALID = new AtomicInteger();

    @AfterContainer
    static void report() {
        System.out.println("[reliability] onnx fuzz: " + API_REJECTED + " API rejections, " + CLI_REJECTED + " CLI exit-2 runs, "
                + STILL_VALID + " byte-damaged cases that stayed valid and ran");
    }

    @Property(tries = 3000)
    void damagedModelsAndTensorsAreRejectedByTheApi(@ForAll("base") int b, @ForAll("kind") int kind, @ForAll long seed) {
        OnnxMutations.Mutant m = OnnxMutations.mutate(OnnxMutations.BASES.get(b), kind, seed);
        List<Backend> backends = Subjects.apiBackends();
        Backend backend = backends.get((int) Math.floorMod(seed, (long) backends.size()));
        try {
            OnnxRnnModel model = OnnxRnnModel.parse(m.model(), "model.onnx");
            model.run(backend, List.of(OnnxTensor.parse(m.input(), "input_0.pb")));
            assertFalse(m.alwaysInvalid(), m + ": accepted by " + backend.name());
            STILL_VALID.incrementAndGet();
        } catch (IllegalArgumentException | org.rnn4j.UnsupportedConfigurationException e) {
            String msg = String.valueOf(e.getMessage());
            assertTrue(msg.contains("model.onnx") || msg.contains("input_0.pb") || msg.startsWith("clip") || msg.startsWith("activation"),
                    m + ": the message names neither file nor argument: " + msg);
            API_REJECTED.incrementAndGet();
        } catch (RuntimeException e) {
            Rejections.requireDocumented(e, m + " on " + backend.name());
        }
    }

    @Property(tries = 1500)
    void damagedModelsAndTensorsGiveExitStatusTwoAndNoOutputFromTheCli(@ForAll("base") int b, @ForAll("kind") int kind,
                                                                      @ForAll long seed) throws IOException {
        OnnxMutations.Mutant m = OnnxMutations.mutate(OnnxMutations.BASES.get(b), kind, seed);
        Path dir = Files.createTempDirectory("rnn4j-fuzz");
        try {
            Path model = Files.write(dir.resolve("model.onnx"), m.model());
            Path in = Files.createDirectories(dir.resolve("in"));
            Files.write(in.resolve("input_0.pb"), m.input());
            Path out = dir.resolve("out");
            String backend = Subjects.apiBackends().size() > 1 && seed % 2 == 0 ? "onednn" : "reference";
            StringWriter so = new StringWriter();
            StringWriter se = new StringWriter();
            int status = Main.execute(new String[] {"run", model.toString(), in.toString(), out.toString(), "--backend", backend},
                    new PrintWriter(so, true), new PrintWriter(se, true));
            String err = se.toString().strip();
            if (status == 0) {
                assertFalse(m.alwaysInvalid(), m + ": exit 0 on " + backend + "; " + so);
                assertEquals("", err, m + ": stderr on success");
                STILL_VALID.incrementAndGet();
                return;
            }
            assertEquals(2, status, m + " on " + backend + ": exit status; stderr: " + err);
            assertFalse(err.isEmpty(), m + ": empty stderr");
            assertFalse(err.contains("\n"), m + ": more than one line on stderr: " + err);
            if (Files.exists(out)) {
                try (Stream<Path> s = Files.list(out)) {
                    assertEquals(List.of(), s.collect(Collectors.toList()), m + ": files left in OUTPUT_DIR");
                }
            }
            CLI_REJECTED.incrementAndGet();
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) Files.deleteIfExists(p);
            }
        }
    }

    @Provide Arbitrary<Integer> base() { return Arbitraries.integers().between(0, OnnxMutations.BASES.size() - 1); }

    @Provide Arbitrary<Integer> kind() { return Arbitraries.integers().between(0, OnnxMutations.KINDS - 1); }
}
