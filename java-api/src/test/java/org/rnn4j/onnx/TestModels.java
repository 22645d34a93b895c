package org.rnn4j.onnx;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.onnx.proto.Onnx.AttributeProto;
import org.rnn4j.onnx.proto.Onnx.GraphProto;
import org.rnn4j.onnx.proto.Onnx.ModelProto;
import org.rnn4j.onnx.proto.Onnx.NodeProto;
import org.rnn4j.onnx.proto.Onnx.OperatorSetIdProto;
import org.rnn4j.onnx.proto.Onnx.TensorProto;
import org.rnn4j.onnx.proto.Onnx.TensorShapeProto;
import org.rnn4j.onnx.proto.Onnx.TypeProto;
import org.rnn4j.onnx.proto.Onnx.ValueInfoProto;

/** Hand-built ONNX models for the importer tests, written field by field (not through the exporter). */
final class TestModels {
    private TestModels() {}

    /** A mutable single-node graph under construction; single-threaded. */
    static final class Graph {
        final NodeProto.Builder node;
        final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");

        Graph(String opType, String... inputs) {
            node = NodeProto.newBuilder().setOpType(opType);
            for (String i : inputs) node.addInput(i);
        }

        Graph outputs(String... names) {
            for (String n : names) node.addOutput(n);
            return this;
        }

        /** Declares a float (or int32 for sequence_lens) graph input with static dims. */
        Graph typedInput(String name, int elemType, long... dims) {
            graph.addInput(valueInfo(name, elemType, dims));
            return this;
        }

        Graph input(String name, long... dims) { return typedInput(name, TensorProto.DataType.FLOAT_VALUE, dims); }

        Graph graphOutput(String name, long... dims) {
            graph.addOutput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, dims));
            return this;
        }

        Graph initializer(OnnxTensor t) {
            graph.addInitializer(t.toProto());
            return this;
        }

        Graph attr(AttributeProto a) {
            node.addAttribute(a);
            return this;
        }

        ModelProto build() {
            return ModelProto.newBuilder().setIrVersion(7)
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(14))
                    .setGraph(graph.clone().addNode(node.clone())).build();
        }

        OnnxRnnModel load() { return OnnxRnnModel.parse(build().toByteArray(), "test.onnx"); }
    }

    /** No dims: the shape is left undeclared (dynamic). */
    static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
        if (dims.length == 0) {
            return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType))).build();
        }
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }

    static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto stringAttr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    static AttributeProto stringsAttr(String name, String... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
        for (String s : v) b.addStrings(ByteString.copyFromUtf8(s));
        return b.build();
    }

    static AttributeProto floatsAttr(String name, float... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
        for (float f : v) b.addFloats(f);
        return b.build();
    }

    /** Distinct random values, so any misplaced block changes the result. */
    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        return a;
    }

    /** Concatenates arrays in the order given. */
    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Block {@code k} of {@code blocks} equal blocks of {@code a}. */
    static float[] block(float[] a, int k, int blocks) {
        int len = a.length / blocks;
        float[] out = new float[len];
        System.arraycopy(a, k * len, out, 0, len);
        return out;
    }

    static List<OnnxTensor> list(OnnxTensor... t) { return new ArrayList<>(List.of(t)); }
}
