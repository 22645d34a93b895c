package org.rnn4j.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnn4j.Backend;
import org.rnn4j.onnx.proto.Onnx.GraphProto;
import org.rnn4j.onnx.proto.Onnx.ModelProto;
import org.rnn4j.onnx.proto.Onnx.NodeProto;
import org.rnn4j.onnx.proto.Onnx.OperatorSetIdProto;
import org.rnn4j.onnx.proto.Onnx.TensorProto;
import org.rnn4j.onnx.proto.Onnx.TensorShapeProto;
import org.rnn4j.onnx.proto.Onnx.ValueInfoProto;

/**
 * An ONNX model made of exactly one {@code RNN}, {@code LSTM} or {@code GRU} node, checked at load. Its weights may
 * be graph inputs or initializers; absent optional inputs are left out or named {@code ''}. Immutable and
 * thread-safe.
 *
 * <p>The model's <em>inputs</em> are its graph inputs that no initializer provides, in graph order; its
 * <em>outputs</em> are its graph outputs, in graph order. {@link #bind} turns input tensors into an rnn4j spec,
 * weights and input; {@link #run} also runs them.
 */
public final class OnnxRnnModel {
    /** Default-domain opset from which the operators have today's attributes (opset 1 LSTM had output_sequence). */
    private static final int MIN_OPSET = 7;

    private final String source;
    private final RecurrentOperator op;
    private final NodeAttributes attributes;
    private final List<String> slotNames;
    private final List<ValueInfoProto> inputs;
    private final Map<String, OnnxTensor> initializers;
    private final List<ValueInfoProto> outputs;
    private final int[] outputSlots;

    private OnnxRnnModel(String source, RecurrentOperator op, NodeAttributes attributes, List<String> slotNames,
                         List<ValueInfoProto> inputs, Map<String, OnnxTensor> initializers,
                         List<ValueInfoProto> outputs, int[] outputSlots) {
        this.source = source;
        this.op = op;
        this.attributes = attributes;
        this.slotNames = slotNames;
        this.inputs = inputs;
        this.initializers = initializers;
        this.outputs = outputs;
        this.outputSlots = outputSlots;
    }

    /**
     * Reads and checks a model file.
     *
     * @throws IllegalArgumentException naming the file and the problem: missing, malformed protobuf, not exactly one
     *     RNN/LSTM/GRU node, unknown attribute, unsupported type
     */
    public static OnnxRnnModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": expected an ONNX model file but it does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e + ")", e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses and checks a serialized {@code ModelProto}; {@code source} names it in error messages. */
    public static OnnxRnnModel parse(byte[] bytes, String source) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(source + ": expected a serialized ONNX ModelProto but the protobuf is "
                    + "malformed (" + e.getMessage() + ")", e);
        }
        return of(model, source);
    }

    /** Checks an in-memory {@code ModelProto}. */
    public static OnnxRnnModel of(ModelProto model, String source) {
        if (!model.hasGraph()) throw new IllegalArgumentException(source + ": expected an ONNX model with a graph but it has none");
        checkOpset(model, source);
        GraphProto graph = model.getGraph();
        if (graph.getNodeCount() != 1) {
            List<String> ops = new ArrayList<>();
            for (NodeProto n : graph.getNodeList()) ops.add(n.getOpType());
            throw new IllegalArgumentException(source + ": expected exactly one RNN, LSTM or GRU node but the graph has "
                    + graph.getNodeCount() + " nodes " + ops);
        }
        NodeProto node = graph.getNode(0);
        String where = source + ": node '" + node.getName() + "' (" + node.getOpType() + ")";
        if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
            throw new IllegalArgumentException(where + ": expected the default ONNX domain but was '" + node.getDomain() + "'");
        }
        RecurrentOperator op = RecurrentOperator.of(node.getOpType(), where);
        NodeAttributes attributes = NodeAttributes.parse(node, op, where);

        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            String tsource = source + " initializer '" + t.getName() + "'";
            if (initializers.put(t.getName(), OnnxTensor.fromProto(t, tsource)) != null) {
                throw new IllegalArgumentException(tsource + ": appears twice");
            }
        }
        // Graph inputs that an initializer also provides (IR < 4 style) keep the initializer's value.
        List<ValueInfoProto> inputs = new ArrayList<>();
        Set<String> graphInputNames = new HashSet<>();
        for (ValueInfoProto v : graph.getInputList()) {
            if (!graphInputNames.add(v.getName())) {
                throw new IllegalArgumentException(source + ": graph input '" + v.getName() + "' appears twice");
            }
            if (!initializers.containsKey(v.getName())) inputs.add(v);
        }

        List<String> slots = new ArrayList<>(Collections.nCopies(op.inputSlots().size(), ""));
        if (node.getInputCount() > slots.size()) {
            throw new IllegalArgumentException(where + ": expected at most " + slots.size() + " inputs "
                    + op.inputSlots() + " but has " + node.getInputCount());
        }
        for (int s = 0; s < node.getInputCount(); s++) {
            String name = node.getInput(s);
            slots.set(s, name);
            if (!name.isEmpty() && !graphInputNames.contains(name) && !initializers.containsKey(name)) {
                throw new IllegalArgumentException(where + ": input " + op.inputSlots().get(s) + " is '" + name
                        + "', which is neither a graph input nor an initializer");
            }
        }
        for (int s : new int[] {RecurrentOperator.X, RecurrentOperator.W, RecurrentOperator.R}) {
            if (slots.get(s).isEmpty()) {
                throw new IllegalArgumentException(where + ": input " + op.inputSlots().get(s) + " is required but absent");
            }
        }
        for (ValueInfoProto v : inputs) {
            int slot = slots.indexOf(v.getName());
            int expected = slot == RecurrentOperator.SEQUENCE_LENS ? TensorProto.DataType.INT32_VALUE : TensorProto.DataType.FLOAT_VALUE;
            checkDeclaredType(v, expected, source + ": graph input '" + v.getName() + "'");
        }

        if (node.getOutputCount() > op.outputSlots().size()) {
            throw new IllegalArgumentException(where + ": expected at most " + op.outputSlots().size() + " outputs "
                    + op.outputSlots() + " but has " + node.getOutputCount());
        }
        if (graph.getOutputCount() == 0) throw new IllegalArgumentException(source + ": the graph has no outputs");
        int[] outputSlots = new int[graph.getOutputCount()];
        for (int k = 0; k < outputSlots.length; k++) {
            ValueInfoProto v = graph.getOutput(k);
            int slot = v.getName().isEmpty() ? -1 : node.getOutputList().indexOf(v.getName());
            if (slot < 0) {
                throw new IllegalArgumentException(source + ": graph output '" + v.getName() + "' is not an output of the "
                        + op + " node " + node.getOutputList());
            }
            checkDeclaredType(v, TensorProto.DataType.FLOAT_VALUE, source + ": graph output '" + v.getName() + "'");
            outputSlots[k] = slot;
        }
        return new OnnxRnnModel(source, op, attributes, List.copyOf(slots), List.copyOf(inputs),
                Collections.unmodifiableMap(initializers), List.copyOf(graph.getOutputList()), outputSlots);
    }

    private static void checkOpset(ModelProto model, String source) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            boolean defaultDomain = o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx");
            if (defaultDomain && o.getVersion() < MIN_OPSET) {
                throw new IllegalArgumentException(source + ": expected ONNX opset >= " + MIN_OPSET + " but the model imports opset "
                        + o.getVersion());
            }
        }
    }

    private static void checkDeclaredType(ValueInfoProto v, int expected, String what) {
        if (!v.hasType() || !v.getType().hasTensorType()) return;
        int actual = v.getType().getTensorType().getElemType();
        if (actual != 0 && actual != expected) {
            throw new IllegalArgumentException(what + ": expected elem_type " + OnnxTensor.typeName(expected)
                    + " but the model declares " + OnnxTensor.typeName(actual));
        }
    }

    /**
     * Binds input tensors (one per {@link #inputNames()} entry, in that order) to this model.
     *
     * @throws IllegalArgumentException naming the tensor (and its source) on a wrong count, type or shape
     */
    public OnnxBinding bind(List<OnnxTensor> inputTensors) {
        if (inputTensors.size() != inputs.size()) {
            throw new IllegalArgumentException(source + ": expected " + inputs.size() + " input tensors " + inputNames()
                    + " but got " + inputTensors.size());
        }
        OnnxTensor[] bySlot = new OnnxTensor[slotNames.size()];
        for (int k = 0; k < inputs.size(); k++) {
            ValueInfoProto v = inputs.get(k);
            OnnxTensor t = inputTensors.get(k);
            String what = t.source() + " (model input " + k + " '" + v.getName() + "')";
            int slot = slotNames.indexOf(v.getName());
            OnnxTensor.ElementType expectedType = slot == RecurrentOperator.SEQUENCE_LENS
                    ? OnnxTensor.ElementType.INT32 : OnnxTensor.ElementType.FLOAT;
            if (t.type() != expectedType) {
                throw new IllegalArgumentException(what + ": expected data_type " + OnnxTensor.typeName(expectedType.onnxCode())
                        + " but was " + OnnxTensor.typeName(t.type().onnxCode()));
            }
            checkDeclaredShape(v, t.dims(), what);
            OnnxTensor named = t.withSource(what);
            for (int s = 0; s < slotNames.size(); s++) if (slotNames.get(s).equals(v.getName())) bySlot[s] = named;
        }
        for (int s = 0; s < slotNames.size(); s++) {
            if (bySlot[s] == null && !slotNames.get(s).isEmpty()) bySlot[s] = initializers.get(slotNames.get(s));
        }
        return OnnxBinding.create(this, bySlot);
    }

    /** Binds the inputs, runs them once on {@code backend} and returns the graph outputs in order. */
    public List<OnnxTensor> run(Backend backend, List<OnnxTensor> inputTensors) {
        return bind(inputTensors).run(backend);
    }

    static void checkDeclaredShape(ValueInfoProto v, long[] dims, String what) {
        if (!v.hasType() || !v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) return;
        TensorShapeProto shape = v.getType().getTensorType().getShape();
        boolean mismatch = shape.getDimCount() != dims.length;
        for (int i = 0; !mismatch && i < dims.length; i++) {
            TensorShapeProto.Dimension d = shape.getDim(i);
            mismatch = d.hasDimValue() && d.getDimValue() > 0 && d.getDimValue() != dims[i];
        }
        if (mismatch) {
            throw new IllegalArgumentException(what + ": expected dims " + describe(shape) + " (declared by the model) but was "
                    + Arrays.toString(dims));
        }
    }

    private static String describe(TensorShapeProto shape) {
        List<String> parts = new ArrayList<>();
        for (TensorShapeProto.Dimension d : shape.getDimList()) {
            parts.add(d.hasDimValue() && d.getDimValue() > 0 ? Long.toString(d.getDimValue())
                    : d.hasDimParam() && !d.getDimParam().isEmpty() ? d.getDimParam() : "?");
        }
        return parts.toString();
    }

    /** Where the model came from (a path), for messages. */
    public String source() { return source; }

    /** The node's ONNX op type: {@code RNN}, {@code LSTM} or {@code GRU}. */
    public String operator() { return op.name(); }

    /** Names of the inputs {@link #bind} expects, in order. */
    public List<String> inputNames() {
        List<String> names = new ArrayList<>();
        for (ValueInfoProto v : inputs) names.add(v.getName());
        return names;
    }

    /** Names of the graph outputs, in order. */
    public List<String> outputNames() {
        List<String> names = new ArrayList<>();
        for (ValueInfoProto v : outputs) names.add(v.getName());
        return names;
    }

    RecurrentOperator op() { return op; }

    NodeAttributes attributes() { return attributes; }

    List<ValueInfoProto> outputInfos() { return outputs; }

    /** Node output slot ({@link RecurrentOperator#Y} ...) of each graph output. */
    int outputSlot(int k) { return outputSlots[k]; }

    /** Whether the node's input slot is wired (not absent). */
    boolean hasSlot(int slot) { return !slotNames.get(slot).isEmpty(); }
}
