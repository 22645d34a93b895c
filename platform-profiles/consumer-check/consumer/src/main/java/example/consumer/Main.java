package example.consumer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.LayerWeights;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.importers.PyTorchImporter;

/**
 * What a user of rnn4j-platform writes first: one LSTM forward on the default backend, checked against the
 * float64 reference, then the same weights written as a PyTorch safetensors file and read back through
 * {@link PyTorchImporter} (which needs gson, whose version comes from rnn4j-bom). Prints {@code backend=NAME} for the
 * consumer-check script; exits 2 if the backends disagree or the imported weights give a different Y.
 * Single-threaded; every native handle is closed before exit.
 */
public final class Main {

    /*
     * float32 against float64 over dot products of at most I+H+2 = 16 terms of magnitude below 1, through five
     * recurrent steps whose Jacobian is contracting (sigmoid/tanh slopes <= 1): the rounding error stays near
     * 16 * 2^-24 per step, about 1e-6. 1e-4 leaves two orders of magnitude of margin and is still a hundred
     * times smaller than what a swapped gate or a dropped bias does to these outputs (>= 1e-2).
     */
    private static final double TOLERANCE = 1e-4;

    private Main() {}

    public static void main(String[] args) throws IOException {
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm())
                .inputSize(6).hiddenSize(8).layers(1).direction(Direction.FORWARD)
                .build();
        RnnWeights weights = RnnWeights.random(spec, 42);
        int steps = 5;
        int batch = 3;
        float[] x = new float[steps * batch * spec.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(0.37 * i);
        }

        Backend chosen = Backends.select();
        System.out.println("backend=" + chosen.name());
        float[] y = forward(chosen, spec, weights, x, steps, batch);
        float[] expected = forward(Backends.select("reference"), spec, weights, x, steps, batch);

        double maxError = 0;
        for (int i = 0; i < y.length; i++) {
            maxError = Math.max(maxError, Math.abs(y[i] - expected[i]));
        }
        System.out.printf("lstm i6 h8 t%d n%d: %d outputs, max |%s - reference| = %.3g (tolerance %.0e)%n",
                steps, batch, y.length, chosen.name(), maxError, TOLERANCE);
        if (!(maxError <= TOLERANCE)) {
            System.err.println("FAIL: " + chosen.name() + " disagrees with the reference backend");
            System.exit(2);
        }

        Path file = Files.createTempFile("rnn4j-consumer", ".safetensors");
        try {
            RnnWeights imported = PyTorchImporter.load(writeAsPyTorch(weights, file), spec);
            float[] yImported = forward(chosen, spec, imported, x, steps, batch);
            System.out.println("pytorch import (gson): same Y as the original weights: " + Arrays.equals(y, yImported));
            if (!Arrays.equals(y, yImported)) {
                System.err.println("FAIL: the weights read back through PyTorchImporter give a different Y");
                System.exit(2);
            }
        } finally {
            Files.delete(file);
        }
    }

    /**
     * One forward LSTM layer as an {@code nn.LSTM} state dict in safetensors: PyTorch's LSTM gate order (i, f, g, o)
     * is rnn4j's canonical one, so the arrays are written as they are.
     */
    private static Path writeAsPyTorch(RnnWeights weights, Path file) throws IOException {
        RnnSpec spec = weights.spec();
        int g = 4 * spec.hiddenSize();
        LayerWeights l0 = weights.get(0, 0);
        float[][] tensors = {l0.w(), l0.r(), l0.wBias(), l0.rBias()};
        String[] names = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"};
        String[] shapes = {"[" + g + "," + spec.inputSize() + "]", "[" + g + "," + spec.hiddenSize() + "]", "[" + g + "]", "[" + g + "]"};
        StringBuilder header = new StringBuilder("{");
        int offset = 0;
        for (int t = 0; t < tensors.length; t++) {
            int end = offset + 4 * tensors[t].length;
            header.append(t == 0 ? "" : ",").append('"').append(names[t]).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(shapes[t]).append(",\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + offset).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(json.length).put(json);
        for (float[] tensor : tensors) {
            for (float v : tensor) bytes.putFloat(v);
        }
        return Files.write(file, bytes.array());
    }

    private static float[] forward(Backend backend, RnnSpec spec, RnnWeights weights, float[] x, int steps, int batch) {
        try (PreparedRnn rnn = backend.prepare(spec, weights)) {
            return rnn.forward(RnnInput.builder(x, Layout.TIME_MAJOR, steps, batch).build()).y();
        }
    }
}
