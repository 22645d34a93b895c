package org.rnn4j.tests.onnx;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.onnx.OnnxRnnModel;
import org.rnn4j.onnx.OnnxTensor;
import org.rnn4j.onnx.proto.Onnx.AttributeProto;
import org.rnn4j.onnx.proto.Onnx.GraphProto;
import org.rnn4j.onnx.proto.Onnx.ModelProto;
import org.rnn4j.onnx.proto.Onnx.NodeProto;
import org.rnn4j.onnx.proto.Onnx.OperatorSetIdProto;
import org.rnn4j.onnx.proto.Onnx.TensorShapeProto;
import org.rnn4j.onnx.proto.Onnx.TypeProto;
import org.rnn4j.onnx.proto.Onnx.ValueInfoProto;
import org.rnn4j.tests.TestBackends;

/**
 * The ONNX path with random, all-distinct weights, which the public node tests lack: the independent numpy
 * fixtures ({@code fixtures/numpy-onnx/*.txt}, written by {@code make_numpy_fixtures.py} from the operator docs, in
 * ONNX layout and gate order) are turned into one-node ONNX models, imported and run on every backend. A wrong
 * gate, peephole or bias order, a wrong direction or a wrong state transposition changes the outputs.
 *
 * <p>Weights become initializers; X, sequence_lens and the initial states stay graph inputs, so both ways of
 * supplying a node input are exercised.
 */
class OnnxRandomWeightFixtureTest {
    private static final List<String> FIXTURES = List.of("lstm_peephole_bidirectional_ragged", "lstm_input_forget_clip_reverse",
            "gru_linear_before_reset_bidirectional", "gru_reset_before_clip_forward", "rnn_tanh_reverse_ragged");
    private static final Set<String> WEIGHTS = Set.of("W", "R", "B", "P");
    private static final Set<String> OUTPUTS = Set.of("Y", "Y_h", "Y_c");

    /**
     * The fixture and the reference both compute in float64 from the same float32 inputs and round once to
     * float32 at the end, so they may differ by about one float32 ulp of values below 1 (6e-8); 1e-6 leaves room for
     * libm differences in exp/tanh and nothing more.
     */
    private static final double REFERENCE_ATOL = 1e-6;
    /**
     * Native float32 backends: the ONNX node-test rule. Accumulations here are at most I+H = 9 terms over at most 6
     * steps, i.e. errors of order 1e-6, far inside it.
     */
    private static final double NATIVE_ATOL = 1e-4;
    private static final double NATIVE_RTOL = 1e-4;

    @TestFactory
    Stream<DynamicNode> randomWeightFixturesOnEveryBackend() {
        return Backends.all().stream().flatMap(backend -> FIXTURES.stream().map(name ->
                DynamicTest.dynamicTest(name + " on " + backend.name(), () -> run(backend, name))));
    }

    private static void run(Backend backend, String name) throws IOException {
        TestBackends.assumeAvailable(backend);
        Fixture f = Fixture.read(name);
        OnnxRnnModel model = OnnxRnnModel.of(f.model(name), name);
        List<OnnxTensor> inputs = new ArrayList<>();
        for (String in : model.inputNames()) inputs.add(f.tensors.get(in));
        List<OnnxTensor> got = model.run(backend, inputs);
        boolean reference = backend.name().equals("reference");
        for (int k = 0; k < got.size(); k++) {
            String out = model.outputNames().get(k);
            OnnxNodeTest.assertClose(name + " on " + backend.name() + ", " + out, f.tensors.get(out), got.get(k),
                    reference ? REFERENCE_ATOL : NATIVE_ATOL, reference ? 0 : NATIVE_RTOL);
        }
    }

    /** One parsed fixture file: attributes, then tensors in the order the file lists them. */
    private static final class Fixture {
        final Map<String, String> attributes = new LinkedHashMap<>();
        final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();

        static Fixture read(String name) throws IOException {
            String path = "/fixtures/numpy-onnx/" + name + ".txt";
            InputStream in = OnnxRandomWeightFixtureTest.class.getResourceAsStream(path);
            if (in == null) throw new IllegalStateException("missing test resource " + path);
            Fixture f = new Fixture();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    int colon = line.indexOf(": ");
                    if (colon < 0) continue;
                    String key = line.substring(0, colon);
                    String value = line.substring(colon + 2).strip();
                    int dims = key.indexOf(" dims=");
                    if (dims < 0) {
                        f.attributes.put(key, value);
                        continue;
                    }
                    String tensor = key.substring(0, dims);
                    String[] ds = key.substring(dims + 6).split(",");
                    long[] shape = new long[ds.length];
                    for (int i = 0; i < ds.length; i++) shape[i] = Long.parseLong(ds[i]);
                    String[] vs = value.isEmpty() ? new String[0] : value.split(" ");
                    if (tensor.equals("sequence_lens")) {
                        int[] v = new int[vs.length];
                        for (int i = 0; i < vs.length; i++) v[i] = Integer.parseInt(vs[i]);
                        f.tensors.put(tensor, OnnxTensor.ofInts(tensor, v, shape));
                    } else {
                        float[] v = new float[vs.length];
                        for (int i = 0; i < vs.length; i++) v[i] = Float.parseFloat(vs[i]);
                        f.tensors.put(tensor, OnnxTensor.ofFloats(tensor, v, shape));
                    }
                }
            }
            return f;
        }

        ModelProto model(String name) {
            NodeProto.Builder node = NodeProto.newBuilder().setOpType(attributes.get("op")).setName(name);
            GraphProto.Builder graph = GraphProto.newBuilder().setName(name);
            for (Map.Entry<String, String> a : attributes.entrySet()) {
                AttributeProto.Builder b = AttributeProto.newBuilder().setName(a.getKey());
                switch (a.getKey()) {
                    case "op": continue;
                    case "direction": b.setType(AttributeProto.AttributeType.STRING).setS(com.google.protobuf.ByteString.copyFromUtf8(a.getValue())); break;
                    case "clip": b.setType(AttributeProto.AttributeType.FLOAT).setF(Float.parseFloat(a.getValue())); break;
                    default: b.setType(AttributeProto.AttributeType.INT).setI(Long.parseLong(a.getValue()));
                }
                node.addAttribute(b);
            }
            for (OnnxTensor t : tensors.values()) {
                if (OUTPUTS.contains(t.name())) {
                    node.addOutput(t.name());
                    graph.addOutput(valueInfo(t));
                } else {
                    node.addInput(t.name());
                    if (WEIGHTS.contains(t.name())) graph.addInitializer(t.toProto()); else graph.addInput(valueInfo(t));
                }
            }
            return ModelProto.newBuilder().setIrVersion(7).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(14))
                    .setGraph(graph.addNode(node)).build();
        }

        private static ValueInfoProto valueInfo(OnnxTensor t) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (long d : t.dims()) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            return ValueInfoProto.newBuilder().setName(t.name()).setType(TypeProto.newBuilder().setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(t.type().onnxCode()).setShape(shape))).build();
        }
    }
}
