package org.rnn4j.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Direction;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.onnx.proto.Onnx.GraphProto;
import org.rnn4j.onnx.proto.Onnx.ModelProto;
import org.rnn4j.onnx.proto.Onnx.NodeProto;
import org.rnn4j.onnx.proto.Onnx.OperatorSetIdProto;
import org.rnn4j.onnx.proto.Onnx.TensorProto;
import org.rnn4j.onnx.proto.Onnx.TensorShapeProto;
import org.rnn4j.onnx.proto.Onnx.TypeProto;
import org.rnn4j.onnx.proto.Onnx.ValueInfoProto;

/**
 * Writes a single-layer spec and its weights as a one-node ONNX model (opset 14, layout 0): graph input {@code X}
 * {@code [seq_length, batch_size, input_size]}, weights as initializers, graph outputs {@code Y}, {@code Y_h} and,
 * for LSTM, {@code Y_c}. Stateless and thread-safe.
 */
public final class OnnxExporter {
    /** opset 14 adds {@code layout}; IR version 7 is what ONNX pairs with it. */
    static final int OPSET = 14;
    static final int IR_VERSION = 7;
    /** Room for everything in the model but the initializers' data (a few hundred bytes in practice). */
    static final long MODEL_HEADROOM_BYTES = 1 << 16;

    private OnnxExporter() {}

    /**
     * The model as a {@code ModelProto}.
     *
     * @throws IllegalArgumentException naming the feature when ONNX cannot express the spec: more than one layer,
     *     projection, input-from-forget coupling, peepholes on only some gates, bidirectional sum, non-F32 data type
     */
    public static ModelProto toModel(RnnSpec spec, RnnWeights weights) {
        requireExpressible(spec);
        if (!weights.spec().equals(spec)) {
            throw new IllegalArgumentException("weights: expected weights of " + spec.caseName() + " but they belong to "
                    + weights.spec().caseName());
        }
        RecurrentOperator op = RecurrentOperator.of(spec.cell());
        float[][] onnx = OnnxLayouts.exportWeights(spec, weights.parts());
        long d = spec.direction().count();
        long gh = (long) op.gates() * spec.hiddenSize();
        long h = spec.hiddenSize();
        List<OnnxTensor> initializers = new ArrayList<>(List.of(OnnxTensor.ofFloats("W", onnx[0], d, gh, spec.inputSize()),
                OnnxTensor.ofFloats("R", onnx[1], d, gh, h), OnnxTensor.ofFloats("B", onnx[2], d, 2 * gh)));
        if (onnx[3] != null) initializers.add(OnnxTensor.ofFloats("P", onnx[3], d, 3 * h));
        requireSerializable(spec, initializers);
        GraphProto.Builder g = GraphProto.newBuilder().setName("rnn4j_" + spec.caseName().replaceAll("[^A-Za-z0-9_]", "_"));
        for (OnnxTensor t : initializers) g.addInitializer(t.toProto());
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op.name()).setName(op.name().toLowerCase(java.util.Locale.ROOT))
                .addInput("X").addInput("W").addInput("R").addInput("B");
        if (onnx[3] != null) node.addInput("").addInput("").addInput("").addInput("P");
        node.addOutput("Y").addOutput("Y_h");
        if (op == RecurrentOperator.LSTM) node.addOutput("Y_c");
        node.addAllAttribute(NodeAttributes.of(spec));
        g.addNode(node);
        g.addInput(valueInfo("X", dim("seq_length"), dim("batch_size"), dim(spec.inputSize())));
        g.addOutput(valueInfo("Y", dim("seq_length"), dim(d), dim("batch_size"), dim(h)));
        g.addOutput(valueInfo("Y_h", dim(d), dim("batch_size"), dim(h)));
        if (op == RecurrentOperator.LSTM) g.addOutput(valueInfo("Y_c", dim(d), dim("batch_size"), dim(h)));
        return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("rnn4j")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(g).build();
    }

    /**
     * The weights of one model must fit one protobuf message; checked before any of them is copied into a proto.
     * {@link #MODEL_HEADROOM_BYTES} covers the node, its attributes and the graph's inputs and outputs.
     */
    static void requireSerializable(RnnSpec spec, List<OnnxTensor> initializers) {
        long bytes = MODEL_HEADROOM_BYTES;
        for (OnnxTensor t : initializers) bytes += t.serializedSizeBound();
        if (bytes > OnnxTensor.MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("model " + spec.caseName() + ": initializers " + initializers + " need up to " + bytes
                    + " bytes, more than a protobuf message holds (" + OnnxTensor.MAX_MESSAGE_BYTES + " bytes); ONNX external"
                    + " data is not supported");
        }
    }

    /** The serialized model. */
    public static byte[] toBytes(RnnSpec spec, RnnWeights weights) { return toModel(spec, weights).toByteArray(); }

    /** Writes the serialized model to {@code file}. */
    public static void write(RnnSpec spec, RnnWeights weights, Path file) throws IOException {
        Files.write(file, toBytes(spec, weights));
    }

    private static void requireExpressible(RnnSpec spec) {
        String why = null;
        if (spec.layers() != 1) why = spec.layers() + " layers (an ONNX RNN/LSTM/GRU node is one layer)";
        else if (spec.direction() == Direction.BIDIRECTIONAL_SUM) why = "BIDIRECTIONAL_SUM (ONNX concatenates both directions)";
        else if (spec.dataType() != DataType.F32) why = "dataType " + spec.dataType() + " (the exported model is float32)";
        else if (spec.cell() instanceof Cell.Lstm) {
            Cell.Lstm lstm = (Cell.Lstm) spec.cell();
            if (lstm.hasProjection()) why = "LSTM projection (ONNX LSTM has none)";
            else if (lstm.coupling() == Cell.Coupling.INPUT_FROM_FORGET) why = "INPUT_FROM_FORGET coupling (ONNX input_forget means f = 1 - i)";
            else if (!lstm.peepholes().isEmpty() && lstm.peepholes().size() != 3) {
                why = "peepholes on " + lstm.peepholes() + " only (ONNX P covers the input, output and forget gates together)";
            }
        }
        if (why != null) {
            throw new IllegalArgumentException("spec " + spec.caseName() + ": ONNX cannot express " + why);
        }
    }

    private static TensorShapeProto.Dimension dim(long value) {
        return TensorShapeProto.Dimension.newBuilder().setDimValue(value).build();
    }

    private static TensorShapeProto.Dimension dim(String param) {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(param).build();
    }

    private static ValueInfoProto valueInfo(String name, TensorShapeProto.Dimension... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder().addAllDim(List.of(dims));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
