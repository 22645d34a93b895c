package org.rnn4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnn4j.onnx.OnnxAttributeMappingTest.assertMessage;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.onnx.proto.Onnx.TensorProto;

/** Export then import gives back the same spec and the same weights, bit for bit. */
class OnnxExporterTest {

    static Stream<RnnSpec> expressibleSpecs() {
        return Stream.of(
                RnnSpec.builder(new Cell.Rnn(Activation.RELU)).inputSize(3).hiddenSize(4)
                        .direction(Direction.BIDIRECTIONAL_CONCAT).activations(Activation.RELU, Activation.leakyRelu(0.2)).clip(1.5).build(),
                RnnSpec.builder(new Cell.Rnn(Activation.TANH)).inputSize(1).hiddenSize(1).build(),
                RnnSpec.builder(new Cell.Lstm()).inputSize(5).hiddenSize(3).direction(Direction.REVERSE).build(),
                RnnSpec.builder(new Cell.Lstm().withAllPeepholes().withCoupling(Cell.Coupling.FORGET_FROM_INPUT)).inputSize(2)
                        .hiddenSize(3).direction(Direction.BIDIRECTIONAL_CONCAT)
                        .activations(Activation.hardSigmoid(0.25, 0.5), Activation.scaledTanh(1.5, 0.75), Activation.elu(0.5)).build(),
                RnnSpec.builder(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(4).hiddenSize(2).build(),
                RnnSpec.builder(new Cell.Gru(Cell.ResetMode.RESET_BEFORE)).inputSize(2).hiddenSize(5)
                        .direction(Direction.BIDIRECTIONAL_CONCAT).activations(Activation.SIGMOID, Activation.SOFTPLUS,
                                Activation.affine(0.5, 0.25), Activation.thresholdedRelu(0.1)).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expressibleSpecs")
    void roundTripKeepsSpecAndWeights(RnnSpec spec) {
        RnnWeights weights = RnnWeights.random(spec, spec.caseName().hashCode());
        OnnxRnnModel model = OnnxRnnModel.parse(OnnxExporter.toBytes(spec, weights), "exported.onnx");
        assertEquals(List.of("X"), model.inputNames());
        boolean lstm = spec.cell() instanceof Cell.Lstm;
        assertEquals(lstm ? List.of("Y", "Y_h", "Y_c") : List.of("Y", "Y_h"), model.outputNames());
        OnnxBinding b = model.bind(List.of(OnnxTensor.ofFloats("X", new float[2 * 3 * spec.inputSize()], 2, 3, spec.inputSize())));
        assertEquals(spec, b.spec());
        OnnxWeightImportTest.assertSameWeights(weights, b.weights());
    }

    /** ONNX wants one set per direction: a spec given one direction's worth is written with both, parameters included. */
    @Test
    void aBidirectionalSpecIsWrittenWithOneActivationSetPerDirection() {
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm()).inputSize(2).hiddenSize(3).direction(Direction.BIDIRECTIONAL_CONCAT)
                .activations(Activation.hardSigmoid(0.25, 0.5), Activation.scaledTanh(1.5, 0.75), Activation.elu(0.5)).build();
        java.util.Map<String, org.rnn4j.onnx.proto.Onnx.AttributeProto> attrs = new java.util.HashMap<>();
        for (var a : OnnxExporter.toModel(spec, RnnWeights.random(spec, 3)).getGraph().getNode(0).getAttributeList()) {
            attrs.put(a.getName(), a);
        }
        assertEquals(List.of("HardSigmoid", "ScaledTanh", "Elu", "HardSigmoid", "ScaledTanh", "Elu"),
                attrs.get("activations").getStringsList().stream().map(com.google.protobuf.ByteString::toStringUtf8).toList());
        assertEquals(List.of(0.25f, 1.5f, 0.5f, 0.25f, 1.5f, 0.5f), attrs.get("activation_alpha").getFloatsList());
        assertEquals(List.of(0.5f, 0.75f, 0.5f, 0.75f), attrs.get("activation_beta").getFloatsList());
    }

    @Test
    void writesAFileThatReadsBack(@TempDir Path dir) throws Exception {
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm()).inputSize(2).hiddenSize(2).build();
        RnnWeights w = RnnWeights.random(spec, 1);
        Path f = dir.resolve("m.onnx");
        OnnxExporter.write(spec, w, f);
        assertEquals("LSTM", OnnxRnnModel.read(f).operator());
    }

    @Test
    void exportedLstmWeightsAreInOnnxGateOrder() {
        // Canonical i,f,g,o blocks hold the constants 1,2,3,4: ONNX i,o,f,c must read 1,4,2,3.
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm().withAllPeepholes()).inputSize(1).hiddenSize(1).build();
        float[] ifgo = {1, 2, 3, 4};
        RnnWeights w = RnnWeights.of(spec, List.of(new org.rnn4j.LayerWeights(ifgo, ifgo, ifgo, ifgo, new float[] {1, 2, 3}, null)));
        TensorProto wt = OnnxExporter.toModel(spec, w).getGraph().getInitializer(0);
        assertEquals("W", wt.getName());
        assertArrayEquals(new float[] {1, 4, 2, 3}, OnnxTensor.fromProto(wt, "W").floats());
        TensorProto pt = OnnxExporter.toModel(spec, w).getGraph().getInitializer(3);
        assertEquals("P", pt.getName());
        // Canonical peepholes i,f,o = 1,2,3; ONNX P is i,o,f.
        assertArrayEquals(new float[] {1, 3, 2}, OnnxTensor.fromProto(pt, "P").floats());
    }

    @Test
    void specsOnnxCannotExpressAreRejectedByFeature() {
        assertRejected(RnnSpec.builder(new Cell.Lstm()).inputSize(2).hiddenSize(2).layers(2).build(), "2 layers");
        assertRejected(RnnSpec.builder(new Cell.Lstm().withProjection(1)).inputSize(2).hiddenSize(2).build(), "projection");
        assertRejected(RnnSpec.builder(new Cell.Lstm().withCoupling(Cell.Coupling.INPUT_FROM_FORGET)).inputSize(2).hiddenSize(2).build(),
                "INPUT_FROM_FORGET");
        assertRejected(RnnSpec.builder(new Cell.Lstm().withPeepholes(Gate.FORGET)).inputSize(2).hiddenSize(2).build(), "peepholes");
        assertRejected(RnnSpec.builder(new Cell.Gru(Cell.ResetMode.RESET_BEFORE)).inputSize(2).hiddenSize(2)
                .direction(Direction.BIDIRECTIONAL_SUM).build(), "BIDIRECTIONAL_SUM");
        assertRejected(RnnSpec.builder(new Cell.Gru(Cell.ResetMode.RESET_BEFORE)).inputSize(2).hiddenSize(2)
                .dataType(DataType.BF16).build(), "BF16");
    }

    private static void assertRejected(RnnSpec spec, String feature) {
        RnnWeights w = RnnWeights.random(spec, 0);
        assertMessage(() -> OnnxExporter.toModel(spec, w), "ONNX cannot express", feature);
    }

    @Test
    void tensorRoundTripsThroughRawData() {
        OnnxTensor f = OnnxTensor.ofFloats("Y", new float[] {1.5f, -0f, Float.MIN_VALUE, 3e38f, 7, 8}, 2, 3);
        assertEquals(f, OnnxTensor.parse(f.toBytes(), "f"));
        OnnxTensor i = OnnxTensor.ofInts("sequence_lens", new int[] {3, 0, Integer.MIN_VALUE}, 3);
        assertEquals(i, OnnxTensor.parse(i.toBytes(), "i"));
    }

    @Test
    void typedFieldEncodingsAreRead() {
        TensorProto f = TensorProto.newBuilder().setName("a").setDataType(1).addDims(2).addFloatData(1.25f).addFloatData(-2f).build();
        assertArrayEquals(new float[] {1.25f, -2f}, OnnxTensor.fromProto(f, "a").floats());
        TensorProto i = TensorProto.newBuilder().setName("b").setDataType(6).addDims(1).addDims(2).addInt32Data(4).addInt32Data(-1).build();
        assertArrayEquals(new int[] {4, -1}, OnnxTensor.fromProto(i, "b").ints());
    }
}
