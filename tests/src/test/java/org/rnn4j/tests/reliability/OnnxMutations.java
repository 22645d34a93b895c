package org.rnn4j.tests.reliability;

import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.onnx.OnnxExporter;
import org.rnn4j.onnx.OnnxTensor;
import org.rnn4j.onnx.proto.Onnx.AttributeProto;
import org.rnn4j.onnx.proto.Onnx.ModelProto;
import org.rnn4j.onnx.proto.Onnx.NodeProto;
import org.rnn4j.onnx.proto.Onnx.TensorProto;

/**
 * Valid one-node ONNX models with their input X, and the ways to break them: byte-level damage (truncation,
 * flipped bytes, garbage) that may or may not leave a parseable model, and structural damage that never leaves a
 * valid one (wrong shapes and dtypes, huge or negative dims, bad attributes, NaN/Inf/negative clip). Stateless.
 */
final class OnnxMutations {
    private OnnxMutations() {}

    /** A model, its X tensor, and the T and N of X. */
    record Base(String name, byte[] model, OnnxTensor x) {}

    /** Mutated model and input bytes; {@code alwaysInvalid} when no reading of them is a valid run. */
    record Mutant(String description, byte[] model, byte[] input, boolean alwaysInvalid) {
        @Override public String toString() { return description; }
    }

    static final List<Base> BASES = List.of(
            base(RnnSpec.builder(new Cell.Lstm().withAllPeepholes()).inputSize(3).hiddenSize(4).build()),
            base(RnnSpec.builder(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(2).hiddenSize(3)
                    .direction(Direction.BIDIRECTIONAL_CONCAT).build()),
            base(RnnSpec.builder(new Cell.Rnn(Activation.TANH)).inputSize(2).hiddenSize(3).direction(Direction.REVERSE).build()));

    private static Base base(RnnSpec spec) {
        int t = 3;
        int n = 2;
        OnnxTensor x = OnnxTensor.ofFloats("X", Subjects.data(3, t * n * spec.inputSize()), t, n, spec.inputSize());
        return new Base(spec.caseName(), OnnxExporter.toBytes(spec, RnnWeights.random(spec, 4)), x);
    }

    static final int KINDS = 16;

    /** Mutation {@code kind} of {@code base}, randomised by {@code seed}. */
    static Mutant mutate(Base base, int kind, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] model = base.model();
        byte[] input = base.x().toBytes();
        String what = base.name() + " #" + kind + " seed " + seed + ": ";
        switch (kind) {
            case 0: {
                int at = r.nextInt(model.length);
                return new Mutant(what + "model truncated to " + at + " bytes", java.util.Arrays.copyOf(model, at), input, false);
            }
            case 1: {
                int at = r.nextInt(input.length);
                return new Mutant(what + "input truncated to " + at + " bytes", model, java.util.Arrays.copyOf(input, at), false);
            }
            case 2: return new Mutant(what + "model bytes flipped", flip(model, r), input, false);
            case 3: return new Mutant(what + "input bytes flipped", model, flip(input, r), false);
            case 4: {
                byte[] junk = new byte[r.nextInt(200)];
                for (int i = 0; i < junk.length; i++) junk[i] = (byte) r.nextInt(256);
                return new Mutant(what + "model replaced by " + junk.length + " random bytes", junk, input, false);
            }
            case 5: {
                long[] dims = base.x().dims();
                int axis = r.nextInt(dims.length + 1);
                long[] wrong = axis == dims.length ? java.util.Arrays.copyOf(dims, dims.length - 1) : dims.clone();
                if (axis < dims.length) wrong[axis] += 1 + r.nextInt(3);
                float[] v = new float[(int) java.util.Arrays.stream(wrong).reduce(1, (a, b) -> a * b)];
                // T and N are free (seq_length, batch_size); only the rank or the input size make X invalid.
                return new Mutant(what + "X dims " + java.util.Arrays.toString(wrong), model,
                        OnnxTensor.ofFloats("X", v, wrong).toBytes(), axis >= 2);
            }
            case 6: {
                int[] dt = {TensorProto.DataType.DOUBLE_VALUE, TensorProto.DataType.INT32_VALUE, TensorProto.DataType.FLOAT16_VALUE,
                    TensorProto.DataType.INT64_VALUE, TensorProto.DataType.STRING_VALUE, TensorProto.DataType.BFLOAT16_VALUE, 999, -3};
                int type = dt[r.nextInt(dt.length)];
                TensorProto p = base.x().toProto().toBuilder().setDataType(type).build();
                return new Mutant(what + "X data_type " + type, model, p.toByteArray(), true);
            }
            case 7: {
                long[] huge = {1L << 31, 1L << 40, Long.MAX_VALUE, -1, -(1L << 40), Integer.MAX_VALUE, 0};
                long[] dims = base.x().dims();
                dims[r.nextInt(dims.length)] = huge[r.nextInt(huge.length)];
                TensorProto p = base.x().toProto().toBuilder().clearDims().addAllDims(java.util.Arrays.stream(dims).boxed().toList()).build();
                return new Mutant(what + "X dims " + java.util.Arrays.toString(dims), model, p.toByteArray(), true);
            }
            case 8: {
                TensorProto p = base.x().toProto();
                TensorProto.Builder b = p.toBuilder();
                int k = r.nextInt(Math.max(1, p.getFloatDataCount()));
                if (p.getFloatDataCount() > 0) {
                    java.util.List<Float> f = new java.util.ArrayList<>(p.getFloatDataList());
                    f.remove(k);
                    b.clearFloatData().addAllFloatData(f);
                } else {
                    b.setRawData(p.getRawData().substring(0, Math.max(0, p.getRawData().size() - 1 - r.nextInt(8))));
                }
                return new Mutant(what + "X data shorter than its dims", model, b.build().toByteArray(), true);
            }
            default: return new Mutant(what + "model attribute damage", attribute(model, kind - 9, r), input, true);
        }
    }

    private static byte[] flip(byte[] bytes, SplittableRandom r) {
        byte[] b = bytes.clone();
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips; i++) b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
        return b;
    }

    /** Seven kinds of node damage, each of which makes the model invalid. */
    private static byte[] attribute(byte[] bytes, int kind, SplittableRandom r) {
        ModelProto m;
        try {
            m = ModelProto.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        NodeProto node = m.getGraph().getNode(0);
        NodeProto.Builder nb = node.toBuilder();
        double[] clips = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -1, -1e-30};
        switch (kind) {
            case 0: set(nb, AttributeProto.newBuilder().setName("hidden_size").setType(AttributeProto.AttributeType.INT)
                    .setI(new long[] {-1, 0, 1L << 40, 7, Long.MIN_VALUE}[r.nextInt(5)]).build()); break;
            case 1: set(nb, AttributeProto.newBuilder().setName("clip").setType(AttributeProto.AttributeType.FLOAT)
                    .setF((float) clips[r.nextInt(clips.length)]).build()); break;
            case 2: set(nb, AttributeProto.newBuilder().setName("direction").setType(AttributeProto.AttributeType.STRING)
                    .setS(com.google.protobuf.ByteString.copyFromUtf8(new String[] {"sideways", "", "FORWARD ", "bidirectional\0"}[r.nextInt(4)]))
                    .build()); break;
            case 3: set(nb, AttributeProto.newBuilder().setName("activations").setType(AttributeProto.AttributeType.STRINGS)
                    .addStrings(com.google.protobuf.ByteString.copyFromUtf8("Gelu")).build()); break;
            case 4: nb.setOpType(new String[] {"Conv", "lstm", "", "RNN2"}[r.nextInt(4)]); break;
            case 5: set(nb, AttributeProto.newBuilder().setName("no_such_attribute_" + r.nextInt(9)).setType(AttributeProto.AttributeType.INT)
                    .setI(1).build()); break;
            default: {
                // a weight initializer with one value too few
                TensorProto w = m.getGraph().getInitializer(1);
                TensorProto.Builder wb = w.toBuilder();
                if (w.getFloatDataCount() > 0) {
                    java.util.List<Float> f = new java.util.ArrayList<>(w.getFloatDataList());
                    f.remove(f.size() - 1);
                    wb.clearFloatData().addAllFloatData(f);
                } else {
                    wb.setRawData(w.getRawData().substring(0, w.getRawData().size() - 4));
                }
                return m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(1, wb)).build().toByteArray();
            }
        }
        return m.toBuilder().setGraph(m.getGraph().toBuilder().setNode(0, nb)).build().toByteArray();
    }

    private static void set(NodeProto.Builder nb, AttributeProto a) {
        for (int i = 0; i < nb.getAttributeCount(); i++) {
            if (nb.getAttribute(i).getName().equals(a.getName())) {
                nb.setAttribute(i, a);
                return;
            }
        }
        nb.addAttribute(a);
    }
}
