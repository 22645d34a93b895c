package org.rnn4j.bench;

import java.util.List;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.onnx.OnnxExporter;
import org.rnn4j.onnx.proto.Onnx.AttributeProto;
import org.rnn4j.onnx.proto.Onnx.GraphProto;
import org.rnn4j.onnx.proto.Onnx.ModelProto;
import org.rnn4j.onnx.proto.Onnx.NodeProto;
import org.rnn4j.onnx.proto.Onnx.TensorProto;
import org.rnn4j.onnx.proto.Onnx.TensorShapeProto;
import org.rnn4j.onnx.proto.Onnx.TypeProto;
import org.rnn4j.onnx.proto.Onnx.ValueInfoProto;

/**
 * The ONNX graph equivalent to an rnn4j spec, for ONNX Runtime: one exported node per layer (rnn4j's
 * {@link OnnxExporter}), and for a bidirectional stack the Transpose + Reshape that turn a node's
 * {@code Y [T, 2, N, H]} into the {@code [T, N, 2H]} the next layer (PyTorch stacking) and rnn4j's own output use.
 * Graph inputs: {@code X [T, N, I]} and, for ragged shapes, {@code sequence_lens [N]} (int32); one output {@code Y}
 * with rnn4j's layout. Stateless and thread-safe.
 */
final class OnnxBenchModels {
    private OnnxBenchModels() {}

    /** The serialized model computing {@code Y} of {@code spec} with {@code weights} over {@code steps × batch}. */
    static byte[] model(RnnSpec spec, RnnWeights weights, int steps, int batch, boolean withLengths) {
        int d = spec.direction().count();
        GraphProto.Builder g = GraphProto.newBuilder().setName("rnn4j_bench");
        String x = "X";
        ModelProto first = null;
        for (int l = 0; l < spec.layers(); l++) {
            RnnSpec one = RnnSpec.builder(spec.cell()).inputSize(spec.layerInputSize(l)).hiddenSize(spec.hiddenSize())
                    .direction(spec.direction()).activations(spec.activations()).dataType(spec.dataType()).build();
            RnnWeights w = RnnWeights.of(one, weights.parts().subList(l * d, (l + 1) * d));
            ModelProto exportedModel = OnnxExporter.toModel(one, w);
            if (first == null) first = exportedModel;
            GraphProto layer = exportedModel.getGraph();
            String suffix = "_l" + l;
            for (TensorProto t : layer.getInitializerList()) g.addInitializer(t.toBuilder().setName(t.getName() + suffix));
            NodeProto exported = layer.getNode(0);
            NodeProto.Builder node = exported.toBuilder().setName(exported.getName() + suffix).clearInput().clearOutput();
            for (int i = 0; i < exported.getInputCount(); i++) {
                String in = exported.getInput(i);
                node.addInput(i == 0 ? x : in.isEmpty() ? "" : in + suffix);
            }
            if (withLengths) {
                while (node.getInputCount() < 5) node.addInput("");
                node.setInput(4, "sequence_lens");
            }
            boolean last = l == spec.layers() - 1;
            // Only Y: Y_h and Y_c are optional outputs, left unnamed so no run pays for them.
            String y = d == 1 && last ? "Y" : "Y" + suffix;
            node.addOutput(y);
            g.addNode(node);
            if (d == 2) {
                String perm = "Yt" + suffix;
                g.addNode(NodeProto.newBuilder().setOpType("Transpose").setName("transpose" + suffix).addInput(y).addOutput(perm)
                        .addAttribute(AttributeProto.newBuilder().setName("perm").setType(AttributeProto.AttributeType.INTS)
                                .addAllInts(List.of(0L, 2L, 1L, 3L))));
                y = last ? "Y" : "X" + "_l" + (l + 1);
                g.addNode(NodeProto.newBuilder().setOpType("Reshape").setName("reshape" + suffix).addInput(perm)
                        .addInput("concat_shape").addOutput(y));
            }
            x = y;
        }
        if (d == 2) {
            // Reshape's 0 copies the dimension (T, N); -1 folds the two directions into 2H.
            g.addInitializer(TensorProto.newBuilder().setName("concat_shape").setDataType(TensorProto.DataType.INT64_VALUE)
                    .addDims(3).addInt64Data(0).addInt64Data(0).addInt64Data(-1));
        }
        g.addInput(valueInfo("X", TensorProto.DataType.FLOAT_VALUE, steps, batch, spec.inputSize()));
        if (withLengths) g.addInput(valueInfo("sequence_lens", TensorProto.DataType.INT32_VALUE, batch));
        if (d == 2) g.addOutput(valueInfo("Y", TensorProto.DataType.FLOAT_VALUE, steps, batch, 2L * spec.hiddenSize()));
        else g.addOutput(valueInfo("Y", TensorProto.DataType.FLOAT_VALUE, steps, 1, batch, spec.hiddenSize()));
        // The exporter's IR version, opset and producer; the graph is the stacked one.
        return first.toBuilder().setGraph(g).build().toByteArray();
    }

    private static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long v : dims) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(v));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }
}
