package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.cli.RunWeightsTest.args;
import static org.rnn4j.cli.RunWeightsTest.fixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.cli.RunWeightsTest.Golden;
import org.rnn4j.onnx.OnnxTensor;

/**
 * {@code rnn4j run --weights} with every class of bad input: exit status 2, one line on stderr naming the problem,
 * and no output file left behind. The valid command line they start from is the torch_gru_bidi golden fixture.
 */
class RunWeightsBadInputTest {
    @TempDir Path tmp;

    private Path write(String name, OnnxTensor t) throws IOException {
        return RunWeightsTest.write(tmp, name, t);
    }


    /** Status 2, exactly one line on stderr containing every part, and no file anywhere under {@code out}. */
    private void assertBadInput(MainTest.Result r, String... parts) throws IOException {
        assertEquals(2, r.status(), "stdout: " + r.out() + " stderr: " + r.err());
        String err = r.err().strip();
        assertFalse(err.isEmpty(), "stderr is empty");
        assertFalse(err.contains("\n"), "more than one line on stderr: " + err);
        for (String p : parts) assertTrue(err.contains(p), "expected '" + p + "' in: " + err);
        Path out = tmp.resolve("out");
        if (Files.exists(out)) {
            try (Stream<Path> s = Files.walk(out)) {
                assertEquals(List.of(), s.filter(Files::isRegularFile).collect(Collectors.toList()), "files left behind");
            }
        }
    }

    /**
     * A valid GRU command line (torch_gru_bidi) changed by {@code extra}: {@code --option value} pairs replace or add
     * options (picocli rejects an option given twice), anything else is appended as a positional argument.
     */
    private MainTest.Result gru(Object... extra) throws IOException {
        Golden g = Golden.load("torch_gru_bidi");
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("--weights", fixture("torch_gru_bidi.safetensors"));
        options.put("--x", write("x.npy", g.tensor("x")));
        options.put("--y", tmp.resolve("out/y.npy"));
        options.put("--hn", tmp.resolve("out/h_n.npy"));
        options.put("--backend", "reference");
        List<Object> positional = new ArrayList<>();
        for (int i = 0; i < extra.length; i++) {
            if (String.valueOf(extra[i]).startsWith("--")) options.put((String) extra[i], extra[++i]); else positional.add(extra[i]);
        }
        List<Object> a = new ArrayList<>(List.of("run"));
        options.forEach((k, v) -> a.addAll(List.of(k, v)));
        a.addAll(positional);
        return MainTest.rnn4j(args(a.toArray()));
    }

    @Test
    void theGruCommandLineWorks() throws IOException {
        MainTest.Result r = gru();
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.exists(tmp.resolve("out/y.npy")) && Files.exists(tmp.resolve("out/h_n.npy")));
    }

    @Test
    void weightsFileProblems() throws IOException {
        assertBadInput(gru("--weights", tmp.resolve("nope.safetensors")), "--weights", "nope.safetensors", "does not exist");
        byte[] b = Files.readAllBytes(fixture("torch_gru_bidi.safetensors"));
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(b, 100));
        assertBadInput(gru("--weights", cut), "cut.safetensors");
        Path text = tmp.resolve("w.bin");
        Files.writeString(text, "hello");
        assertBadInput(gru("--weights", text), "--weights", "w.bin", "--format pytorch|keras");
        assertBadInput(gru("--weights", text, "--format", "keras"), "w.bin", "HDF5");
        assertBadInput(gru("--format", "onnx"), "--format", "pytorch or keras", "'onnx'");
        assertBadInput(gru("--key-prefix", "encoder.rnn."), "encoder.rnn.weight_ih_l0", "missing");
        Path prefixed = fixture("torch_lstm_l2_bidi.safetensors");
        assertBadInput(gru("--weights", prefixed), "'rnn.'", "(--key-prefix)");
        assertBadInput(gru("--keras-layers", "gru"), "--keras-layers", "--format keras");
        assertBadInput(MainTest.rnn4j(args("run", "--weights", fixture("keras3_lstm.keras"), "--key-prefix", "x.", "--x", "x.npy",
                "--y", tmp.resolve("out/y.npy"))), "--key-prefix", "--format pytorch");
        assertBadInput(MainTest.rnn4j(args("run", "--weights", fixture("keras3_lstm.keras"), "--keras-layers", "gru", "--x", "x.npy",
                "--y", tmp.resolve("out/y.npy"))), "'gru'", "[lstm]");
    }

    @Test
    void specFlagsThatDoNotFitTheFile() throws IOException {
        assertBadInput(gru("--hidden-size", 5, "--cell", "lstm"), "weights do not fit", "hiddenSize: expected 5 but the file holds 4",
                "cell: expected lstm but the file holds gru_lbr");
        assertBadInput(gru("--cell", "gru-rb"), "LINEAR_BEFORE_RESET");
        // gru is reset-before, as in bench and in rnn4j's case names; PyTorch's GRU is gru-lbr.
        assertBadInput(gru("--cell", "gru"), "cell: expected gru but the file holds gru_lbr (LINEAR_BEFORE_RESET)");
        assertBadInput(gru("--direction", "forward"), "direction: expected FORWARD");
        // Two layers tell the stackings apart: nn.LSTM's layer 1 reads both directions concatenated (2·S columns).
        assertBadInput(gru("--weights", fixture("torch_lstm_l2_bidi.safetensors"), "--key-prefix", "rnn.", "--direction", "bidi-sum"),
                "direction: expected BIDIRECTIONAL_SUM but the file holds BIDIRECTIONAL_CONCAT", "rnn.weight_ih_l1 [16, 8]",
                "layer 1 takes 2·S = 8 inputs, the two directions concatenated");
        assertBadInput(gru("--layers", 2), "layers: expected 2 but the file holds 1");
        assertBadInput(gru("--cell", "lstmp"), "--cell", "'lstmp'", CellNames.NAMES);
        assertBadInput(gru("--direction", "both"), "--direction", "'both'");
        assertBadInput(gru("--proj", 2), "--proj", "LSTM");
        assertBadInput(gru("--input-size", 0), "inputSize: expected > 0 but was 0");
        assertBadInput(gru("--layers", "two"), "--layers", "two");
    }

    @Test
    void inputFileProblems() throws IOException {
        assertBadInput(gru("--x", tmp.resolve("missing.npy")), "--x", "missing.npy", "does not exist");
        assertBadInput(gru("--x", tmp.resolve("x.csv")), "--x", "x.csv", ".npy", ".pb");
        assertBadInput(gru("--x", write("x4.npy", OnnxTensor.ofFloats("x", new float[5 * 2 * 4], 5, 2, 4))), "--x", "x4.npy",
                "I=3", "[5, 2, 4]");
        assertBadInput(gru("--x", write("x2.npy", OnnxTensor.ofFloats("x", new float[6], 2, 3))), "--x", "[2, 3]");
        Path f8 = tmp.resolve("x8.npy");
        Files.write(f8, NpyTest.resource("f8_2x3.npy"));
        assertBadInput(gru("--x", f8), "--x", "x8.npy", "'<f8'");
        Path junk = tmp.resolve("junk.pb");
        Files.write(junk, new byte[] {(byte) 0xff, (byte) 0xff, 1});
        assertBadInput(gru("--x", junk), "--x", "junk.pb", "malformed");
        assertBadInput(gru("--x", write("xi.npy", OnnxTensor.ofInts("x", new int[30], 5, 2, 3))), "--x", "xi.npy", "float32");
        assertBadInput(gru("--h0", write("h0.npy", OnnxTensor.ofFloats("h", new float[8], 1, 2, 4))), "--h0", "h0.npy",
                "[2, 2, 4]", "[1, 2, 4]");
        assertBadInput(gru("--c0", write("c0.npy", OnnxTensor.ofFloats("c", new float[16], 2, 2, 4))), "--c0", "no cell state");
        assertBadInput(gru("--lengths", write("lf.npy", OnnxTensor.ofFloats("l", new float[2], 2))), "--lengths", "int32");
        assertBadInput(gru("--lengths", write("l3.npy", OnnxTensor.ofInts("l", new int[3], 3))), "--lengths", "[2]", "[3]");
        assertBadInput(gru("--lengths", write("l9.npy", OnnxTensor.ofInts("l", new int[] {9, 1}, 2))), "--lengths", "l9.npy",
                "sequenceLengths[0]", "[0, T=5]", "9");
        assertBadInput(gru("--layout", "nct"), "--layout", "'nct'");
        assertBadInput(MainTest.rnn4j(args("run", "--weights", fixture("torch_gru_bidi.safetensors"), "--y", tmp.resolve("out/y.npy"))),
                "--x", "missing");
    }

    @Test
    void outputProblems() throws IOException {
        assertBadInput(gru("--cn", tmp.resolve("out/c.npy")), "--cn", "no cell state");
        assertBadInput(gru("--y", tmp.resolve("out/y.txt")), "--y", "y.txt", ".npy");
        Files.createDirectories(tmp.resolve("out/dir.npy"));
        assertBadInput(gru("--y", tmp.resolve("out/dir.npy")), "--y", "is a directory");
        assertBadInput(gru("--hn", tmp.resolve("out/y.npy")), "--hn", "same name");
        Golden g = Golden.load("torch_gru_bidi");
        assertBadInput(MainTest.rnn4j(args("run", "--weights", fixture("torch_gru_bidi.safetensors"), "--x", write("x.npy", g.tensor("x")))),
                "--y, --hn, --cn", "at least one output");
        Path file = tmp.resolve("plain");
        Files.writeString(file, "");
        assertBadInput(gru("--hn", file.resolve("h.npy")), "--hn", "is a file");
        // Caught only when writing (a directory cannot be created below a file): Y was already written to a temporary
        // file, which must be removed again.
        Files.writeString(tmp.resolve("blocker"), "");
        assertBadInput(gru("--hn", tmp.resolve("blocker/sub/h.npy")), "h.npy", "cannot write", "no output was written");
    }

    @Test
    void formsAndBackends() throws IOException {
        assertBadInput(gru("--backend", "nope"), "'nope'");
        assertBadInput(gru("model.onnx"), "model.onnx", "--weights");
        assertBadInput(MainTest.rnn4j("run", "--x", "x.npy", "m.onnx", "in", "out"), "--x", "only with --weights");
        assertBadInput(MainTest.rnn4j("run", "--cell", "lstm", "m.onnx", "in", "out"), "spec flags", "only with --weights");
    }
}
