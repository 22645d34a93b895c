package org.rnn4j.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.RnnSpec;
import org.rnn4j.onnx.proto.Onnx.AttributeProto;
import org.rnn4j.onnx.proto.Onnx.NodeProto;

/**
 * The attributes of one ONNX RNN/LSTM/GRU node, checked and mapped to rnn4j terms (and back, for the exporter).
 * Immutable.
 *
 * @param activations as written in the node (one set per direction), or {@code null} for the defaults
 */
record NodeAttributes(RecurrentOperator op, OptionalInt hiddenSize, Direction direction, List<Activation> activations,
                      OptionalDouble clip, boolean inputForget, boolean linearBeforeReset, int layout) {

    /** Parses and checks every attribute of {@code node}; {@code where} prefixes error messages. */
    static NodeAttributes parse(NodeProto node, RecurrentOperator op, String where) {
        OptionalInt hidden = OptionalInt.empty();
        Direction direction = Direction.FORWARD;
        List<String> names = null;
        List<Float> alphas = List.of();
        List<Float> betas = List.of();
        OptionalDouble clip = OptionalDouble.empty();
        boolean inputForget = false;
        boolean linearBeforeReset = false;
        int layout = 0;
        Set<String> seen = new HashSet<>();
        for (AttributeProto a : node.getAttributeList()) {
            String at = where + " attribute '" + a.getName() + "'";
            if (!seen.add(a.getName())) throw new IllegalArgumentException(at + ": appears twice");
            switch (a.getName()) {
                case "hidden_size":
                    long h = integer(a, at);
                    if (h <= 0 || h > Integer.MAX_VALUE) throw new IllegalArgumentException(at + ": expected > 0 but was " + h);
                    hidden = OptionalInt.of((int) h);
                    break;
                case "direction":
                    direction = direction(string(a, at), at);
                    break;
                case "activations":
                    requireType(a, AttributeProto.AttributeType.STRINGS, a.getStringsCount() > 0, at);
                    names = new ArrayList<>();
                    for (int i = 0; i < a.getStringsCount(); i++) names.add(a.getStrings(i).toStringUtf8());
                    break;
                case "activation_alpha":
                    requireType(a, AttributeProto.AttributeType.FLOATS, a.getFloatsCount() > 0, at);
                    alphas = a.getFloatsList();
                    break;
                case "activation_beta":
                    requireType(a, AttributeProto.AttributeType.FLOATS, a.getFloatsCount() > 0, at);
                    betas = a.getFloatsList();
                    break;
                case "clip":
                    requireType(a, AttributeProto.AttributeType.FLOAT, true, at);
                    if (!(a.getF() > 0) || !Float.isFinite(a.getF())) {
                        throw new IllegalArgumentException(at + ": expected a finite number > 0 but was " + a.getF());
                    }
                    clip = OptionalDouble.of(decimal(a.getF()));
                    break;
                case "input_forget":
                    requireOp(op, RecurrentOperator.LSTM, at);
                    inputForget = flag(a, at);
                    break;
                case "linear_before_reset":
                    requireOp(op, RecurrentOperator.GRU, at);
                    linearBeforeReset = flag(a, at);
                    break;
                case "layout":
                    layout = flag(a, at) ? 1 : 0;
                    break;
                default:
                    throw new IllegalArgumentException(at + ": not an attribute of ONNX " + op + " (opset 14)");
            }
        }
        List<Activation> activations = null;
        if (names != null) {
            activations = activations(names, alphas, betas, op, direction, where);
        } else if (!alphas.isEmpty() || !betas.isEmpty()) {
            throw new IllegalArgumentException(where + ": activation_alpha/activation_beta are given but no activations "
                    + "(the default activations take no parameters)");
        }
        return new NodeAttributes(op, hidden, direction, activations, clip, inputForget, linearBeforeReset, layout);
    }

    /**
     * ONNX lists one set of activations per direction (RNN 1, GRU 2, LSTM 3; twice that, forward first, for a
     * bidirectional node) and consumes activation_alpha (and, independently, activation_beta) in order, one value per
     * activation that takes that parameter; an activation left without a value gets its operator's default. A
     * bidirectional node with one direction's set is refused, as ONNX Runtime refuses it: the operator gives it no
     * meaning, and runtimes that accept it disagree on what it means.
     */
    private static List<Activation> activations(List<String> names, List<Float> alphas, List<Float> betas,
                                                RecurrentOperator op, Direction direction, String where) {
        int perDirection = op.gates() == 1 ? 1 : op.gates() - 1;
        int expected = perDirection * direction.count();
        if (names.size() != expected) {
            throw new IllegalArgumentException(where + " attribute 'activations': expected " + expected + (expected == 1 ? " name (" : " names (")
                    + perDirection + " per direction × " + direction.count() + (direction.count() == 1 ? " direction" : " directions")
                    + ") for a " + (direction.count() == 2 ? "bidirectional" : direction.name().toLowerCase(java.util.Locale.ROOT))
                    + " " + op + " but was " + names.size() + " " + names);
        }
        List<Activation> out = new ArrayList<>();
        int nextAlpha = 0;
        int nextBeta = 0;
        for (String name : names) {
            Activation.Kind kind;
            try {
                kind = Activation.Kind.fromOnnxName(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + " attribute 'activations': " + e.getMessage(), e);
            }
            double alpha = kind.defaultAlpha();
            double beta = kind.defaultBeta();
            if (kind.parameterCount() >= 1 && nextAlpha < alphas.size()) alpha = decimal(alphas.get(nextAlpha++));
            if (kind.parameterCount() >= 2 && nextBeta < betas.size()) beta = decimal(betas.get(nextBeta++));
            out.add(new Activation(kind, alpha, beta));
        }
        if (nextAlpha < alphas.size() || nextBeta < betas.size()) {
            throw new IllegalArgumentException(where + ": activations " + names + " take " + nextAlpha + " alpha and "
                    + nextBeta + " beta values but activation_alpha has " + alphas.size() + " and activation_beta has "
                    + betas.size());
        }
        return out;
    }

    /**
     * ONNX stores these parameters as float32; the shortest decimal that reads back as the same float is the value
     * the writer meant (0.01f becomes 0.01, not 0.009999999776), so specs survive an export/import round trip.
     */
    static double decimal(float f) { return Double.parseDouble(Float.toString(f)); }

    private static Direction direction(String s, String at) {
        switch (s) {
            case "forward": return Direction.FORWARD;
            case "reverse": return Direction.REVERSE;
            case "bidirectional": return Direction.BIDIRECTIONAL_CONCAT;
            default:
                throw new IllegalArgumentException(at + ": expected forward, reverse or bidirectional but was '" + s + "'");
        }
    }

    private static void requireOp(RecurrentOperator actual, RecurrentOperator expected, String at) {
        if (actual != expected) throw new IllegalArgumentException(at + ": only defined for " + expected + ", not " + actual);
    }

    private static long integer(AttributeProto a, String at) {
        requireType(a, AttributeProto.AttributeType.INT, true, at);
        return a.getI();
    }

    private static boolean flag(AttributeProto a, String at) {
        long v = integer(a, at);
        if (v != 0 && v != 1) throw new IllegalArgumentException(at + ": expected 0 or 1 but was " + v);
        return v == 1;
    }

    private static String string(AttributeProto a, String at) {
        requireType(a, AttributeProto.AttributeType.STRING, true, at);
        return a.getS().toStringUtf8();
    }

    /** Files from old writers may leave {@code type} UNDEFINED; then the value field itself must be set. */
    private static void requireType(AttributeProto a, AttributeProto.AttributeType expected, boolean untypedOk, String at) {
        if (a.getType() == expected) return;
        if (a.getType() == AttributeProto.AttributeType.UNDEFINED && untypedOk) return;
        throw new IllegalArgumentException(at + ": expected type " + expected + " but was " + a.getType());
    }

    /** The node attributes that express {@code spec} (single layer, checked by the exporter). */
    static List<AttributeProto> of(RnnSpec spec) {
        List<AttributeProto> out = new ArrayList<>();
        out.add(AttributeProto.newBuilder().setName("hidden_size").setType(AttributeProto.AttributeType.INT)
                .setI(spec.hiddenSize()).build());
        String dir = spec.direction() == Direction.FORWARD ? "forward" : spec.direction() == Direction.REVERSE ? "reverse" : "bidirectional";
        out.add(AttributeProto.newBuilder().setName("direction").setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(dir)).build());
        AttributeProto.Builder names = AttributeProto.newBuilder().setName("activations").setType(AttributeProto.AttributeType.STRINGS);
        AttributeProto.Builder alphas = AttributeProto.newBuilder().setName("activation_alpha").setType(AttributeProto.AttributeType.FLOATS);
        AttributeProto.Builder betas = AttributeProto.newBuilder().setName("activation_beta").setType(AttributeProto.AttributeType.FLOATS);
        for (Activation a : spec.activations()) {
            names.addStrings(com.google.protobuf.ByteString.copyFromUtf8(a.kind().onnxName()));
            if (a.kind().parameterCount() >= 1) alphas.addFloats((float) a.alpha());
            if (a.kind().parameterCount() >= 2) betas.addFloats((float) a.beta());
        }
        out.add(names.build());
        if (alphas.getFloatsCount() > 0) out.add(alphas.build());
        if (betas.getFloatsCount() > 0) out.add(betas.build());
        spec.clip().ifPresent(c -> out.add(AttributeProto.newBuilder().setName("clip")
                .setType(AttributeProto.AttributeType.FLOAT).setF((float) c).build()));
        if (spec.cell() instanceof Cell.Lstm) {
            boolean coupled = ((Cell.Lstm) spec.cell()).coupling() == Cell.Coupling.FORGET_FROM_INPUT;
            out.add(AttributeProto.newBuilder().setName("input_forget").setType(AttributeProto.AttributeType.INT)
                    .setI(coupled ? 1 : 0).build());
        }
        if (spec.cell() instanceof Cell.Gru) {
            boolean lbr = ((Cell.Gru) spec.cell()).resetMode() == Cell.ResetMode.LINEAR_BEFORE_RESET;
            out.add(AttributeProto.newBuilder().setName("linear_before_reset").setType(AttributeProto.AttributeType.INT)
                    .setI(lbr ? 1 : 0).build());
        }
        return out;
    }
}
