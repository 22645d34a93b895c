package org.rnn4j.onnx;

import static org.rnn4j.onnx.OnnxAttributeMappingTest.assertMessage;
import static org.rnn4j.onnx.TestModels.intAttr;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.onnx.proto.Onnx.ModelProto;
import org.rnn4j.onnx.proto.Onnx.NodeProto;
import org.rnn4j.onnx.proto.Onnx.TensorProto;

/** Broken models and tensors fail with an {@link IllegalArgumentException} naming the file or tensor and the problem. */
class OnnxBadInputTest {
    private static final int H = 2, I = 3;

    private static TestModels.Graph gru() {
        return new TestModels.Graph("GRU", "X", "W", "R").outputs("", "Y_h").attr(intAttr("hidden_size", H))
                .input("X", 1, 1, I).input("W", 1, 3 * H, I).input("R", 1, 3 * H, H).graphOutput("Y_h", 1, 1, H);
    }

    private static List<OnnxTensor> gruInputs() {
        return List.of(OnnxTensor.ofFloats("X", new float[I], 1, 1, I), OnnxTensor.ofFloats("W", new float[3 * H * I], 1, 3 * H, I),
                OnnxTensor.ofFloats("R", new float[3 * H * H], 1, 3 * H, H));
    }

    @Test
    void truncatedModelProtobufNamesTheFile() {
        byte[] good = gru().build().toByteArray();
        byte[] cut = Arrays.copyOf(good, good.length / 2);
        assertMessage(() -> OnnxRnnModel.parse(cut, "cut.onnx"), "cut.onnx", "malformed");
    }

    @Test
    void missingModelFileNamesIt(@TempDir Path dir) {
        assertMessage(() -> OnnxRnnModel.read(dir.resolve("nope.onnx")), "nope.onnx", "does not exist");
    }

    @Test
    void twoNodesAreRejected() {
        ModelProto m = gru().build();
        ModelProto two = m.toBuilder().setGraph(m.getGraph().toBuilder().addNode(NodeProto.newBuilder().setOpType("Relu"))).build();
        assertMessage(() -> OnnxRnnModel.of(two, "two.onnx"), "two.onnx", "exactly one", "2 nodes", "[GRU, Relu]");
    }

    @Test
    void unknownOperatorIsRejected() {
        ModelProto m = gru().build();
        ModelProto conv = m.toBuilder().setGraph(m.getGraph().toBuilder().setNode(0,
                m.getGraph().getNode(0).toBuilder().setOpType("Conv").clearAttribute())).build();
        assertMessage(() -> OnnxRnnModel.of(conv, "conv.onnx"), "conv.onnx", "op_type is 'Conv'");
    }

    @Test
    void oldOpsetAndForeignDomainAreRejected() {
        ModelProto m = gru().build();
        ModelProto old = m.toBuilder().setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(1)).build();
        assertMessage(() -> OnnxRnnModel.of(old, "old.onnx"), "opset >= 7", "opset 1");
        ModelProto foreign = m.toBuilder().setGraph(m.getGraph().toBuilder().setNode(0,
                m.getGraph().getNode(0).toBuilder().setDomain("com.example"))).build();
        assertMessage(() -> OnnxRnnModel.of(foreign, "f.onnx"), "'com.example'");
    }

    @Test
    void requiredInputAbsentOrDanglingIsRejected() {
        assertMessage(() -> new TestModels.Graph("GRU", "X", "", "R").outputs("Y").attr(intAttr("hidden_size", H))
                .input("X", 1, 1, I).input("R", 1, 3 * H, H).graphOutput("Y").load(), "input W is required");
        assertMessage(() -> new TestModels.Graph("GRU", "X", "W", "R", "B").outputs("Y").input("X", 1, 1, I)
                .input("W", 1, 3 * H, I).input("R", 1, 3 * H, H).graphOutput("Y").load(), "'B'", "neither a graph input nor an initializer");
    }

    @Test
    void graphOutputNotProducedByTheNodeIsRejected() {
        assertMessage(() -> gru().graphOutput("Z").load(), "graph output 'Z'", "not an output");
    }

    @Test
    void declaredDoubleInputIsRejected() {
        assertMessage(() -> gru().typedInput("B", TensorProto.DataType.DOUBLE_VALUE, 1, 12).load(), "graph input 'B'", "DOUBLE (11)");
    }

    @Test
    void wrongInputDtypeNamesTensorExpectedAndActual() {
        List<OnnxTensor> in = new java.util.ArrayList<>(gruInputs());
        in.set(1, OnnxTensor.ofInts("W", new int[3 * H * I], 1, 3 * H, I).withSource("input_1.pb"));
        assertMessage(() -> gru().load().bind(in), "input_1.pb", "'W'", "FLOAT (1)", "INT32 (6)");
    }

    @Test
    void wrongDimsNameTensorDeclaredAndActual() {
        List<OnnxTensor> in = new java.util.ArrayList<>(gruInputs());
        in.set(2, OnnxTensor.ofFloats("R", new float[3 * H * H], 1, H, 3 * H).withSource("input_2.pb"));
        assertMessage(() -> gru().load().bind(in), "input_2.pb", "'R'", "[1, 6, 2]", "[1, 2, 6]");
    }

    @Test
    void wrongInputCountIsRejected() {
        assertMessage(() -> gru().load().bind(gruInputs().subList(0, 2)), "expected 3 input tensors [X, W, R] but got 2");
    }

    @Test
    void sequenceLengthOutOfRangeNamesTheElement() {
        TestModels.Graph g = new TestModels.Graph("GRU", "X", "W", "R", "", "sequence_lens").outputs("", "Y_h")
                .attr(intAttr("hidden_size", H)).input("X", 1, 1, I).input("W", 1, 3 * H, I).input("R", 1, 3 * H, H)
                .typedInput("sequence_lens", TensorProto.DataType.INT32_VALUE, 1).graphOutput("Y_h", 1, 1, H);
        List<OnnxTensor> in = new java.util.ArrayList<>(gruInputs());
        in.add(OnnxTensor.ofInts("sequence_lens", new int[] {5}, 1).withSource("input_3.pb"));
        assertMessage(() -> g.load().bind(in), "input_3.pb", "element 0", "[0, seq_length=1]", "5");
    }

    @Test
    void truncatedTensorProtobufNamesTheFile(@TempDir Path dir) throws Exception {
        byte[] good = OnnxTensor.ofFloats("X", new float[12], 3, 4).toBytes();
        Path f = dir.resolve("input_0.pb");
        Files.write(f, Arrays.copyOf(good, good.length - 5));
        assertMessage(() -> OnnxTensor.read(f), "input_0.pb", "malformed");
    }

    @Test
    void tensorDtypeRawLengthAndEncodingProblemsAreNamed() {
        TensorProto dbl = TensorProto.newBuilder().setDataType(TensorProto.DataType.DOUBLE_VALUE).addDims(1).addDoubleData(1).build();
        assertMessage(() -> OnnxTensor.fromProto(dbl, "d.pb"), "d.pb", "FLOAT (1) or INT32 (6)", "DOUBLE (11)");
        TensorProto shortRaw = TensorProto.newBuilder().setDataType(1).addDims(2).setRawData(ByteString.copyFrom(new byte[4])).build();
        assertMessage(() -> OnnxTensor.fromProto(shortRaw, "s.pb"), "s.pb", "8 bytes", "4 bytes");
        TensorProto shortTyped = TensorProto.newBuilder().setDataType(1).addDims(3).addFloatData(1).build();
        assertMessage(() -> OnnxTensor.fromProto(shortTyped, "t.pb"), "t.pb", "3 elements", "float_data has 1");
        TensorProto external = TensorProto.newBuilder().setDataType(1).addDims(1)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).build();
        assertMessage(() -> OnnxTensor.fromProto(external, "e.pb"), "e.pb", "externally");
        TensorProto undefined = TensorProto.newBuilder().build();
        assertMessage(() -> OnnxTensor.fromProto(undefined, "u.pb"), "u.pb", "UNDEFINED (0)");
    }

    @Test
    void declaredOutputShapeThatCannotMatchIsRejectedBeforeRunning() {
        assertMessage(() -> new TestModels.Graph("GRU", "X", "W", "R").outputs("", "Y_h").attr(intAttr("hidden_size", H))
                .input("X", 1, 1, I).input("W", 1, 3 * H, I).input("R", 1, 3 * H, H).graphOutput("Y_h", 1, 1, 7).load()
                .bind(gruInputs()), "graph output 'Y_h'", "[1, 1, 7]", "[1, 1, 2]");
    }
}
