package org.rnn4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnn4j.onnx.TestModels.intAttr;
import static org.rnn4j.onnx.TestModels.stringAttr;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rnn4j.Layout;
import org.rnn4j.OutputKind;
import org.rnn4j.RnnOutput;
import org.rnn4j.onnx.proto.Onnx.TensorProto;

/**
 * ONNX layouts of X, initial states and outputs against rnn4j's. Every element carries its own coordinates
 * ({@code 1000·a + 100·b + 10·c + d}) so a transposition error shows up as a wrong value.
 */
class OnnxInputOutputLayoutTest {
    private static final int T = 2, N = 3, D = 2, H = 2, I = 1;

    private static float code(int a, int b, int c, int d) { return 1000 * a + 100 * b + 10 * c + d; }

    private static OnnxRnnModel lstm(int layout, String... outputs) {
        return lstm(layout, outputs, outputs);
    }

    private static OnnxRnnModel lstm(int layout, String[] outputs, String[] graphOutputs) {
        long[] x = layout == 0 ? new long[] {T, N, I} : new long[] {N, T, I};
        long[] state = layout == 0 ? new long[] {D, N, H} : new long[] {N, D, H};
        TestModels.Graph g = new TestModels.Graph("LSTM", "X", "W", "R", "", "sequence_lens", "initial_h", "initial_c")
                .outputs(outputs).attr(intAttr("hidden_size", H)).attr(stringAttr("direction", "bidirectional"))
                .attr(intAttr("layout", layout))
                .input("X", x).input("W", D, 4 * H, I).input("R", D, 4 * H, H)
                .typedInput("sequence_lens", TensorProto.DataType.INT32_VALUE, N).input("initial_h", state).input("initial_c", state);
        for (String o : graphOutputs) if (!o.isEmpty()) g.graphOutput(o);
        return g.load();
    }

    private static List<OnnxTensor> inputs(int layout) {
        long[] x = layout == 0 ? new long[] {T, N, I} : new long[] {N, T, I};
        float[] state = new float[D * N * H];
        int k = 0;
        // Values laid out in the ONNX order of this layout: [D,N,H] or [N,D,H].
        for (int a = 0; a < (layout == 0 ? D : N); a++) {
            for (int b = 0; b < (layout == 0 ? N : D); b++) {
                for (int h = 0; h < H; h++) state[k++] = layout == 0 ? code(0, a, b, h) : code(0, b, a, h);
            }
        }
        float[] xs = new float[T * N * I];
        for (int i = 0; i < xs.length; i++) xs[i] = i;
        return List.of(OnnxTensor.ofFloats("X", xs, x), OnnxTensor.ofFloats("W", new float[D * 4 * H * I], D, 4 * H, I),
                OnnxTensor.ofFloats("R", new float[D * 4 * H * H], D, 4 * H, H), OnnxTensor.ofInts("sequence_lens", new int[] {2, 0, 1}, N),
                OnnxTensor.ofFloats("initial_h", state, layout == 0 ? new long[] {D, N, H} : new long[] {N, D, H}),
                OnnxTensor.ofFloats("initial_c", state, layout == 0 ? new long[] {D, N, H} : new long[] {N, D, H}));
    }

    /** rnn4j state [D, N, H] with value code(0, d, n, h). */
    private static float[] ourState() {
        float[] s = new float[D * N * H];
        for (int d = 0; d < D; d++) for (int n = 0; n < N; n++) for (int h = 0; h < H; h++) s[(d * N + n) * H + h] = code(0, d, n, h);
        return s;
    }

    @Test
    void layout1InitialStatesAreTransposedToDirectionMajor() {
        OnnxBinding b = lstm(1, "Y", "Y_h", "Y_c").bind(inputs(1));
        assertEquals(Layout.BATCH_MAJOR, b.input().layout());
        assertEquals(T, b.input().steps());
        assertEquals(N, b.input().batch());
        assertArrayEquals(ourState(), b.input().initialH());
        assertArrayEquals(ourState(), b.input().initialC());
        assertArrayEquals(new int[] {2, 0, 1}, b.input().sequenceLengths());
    }

    @Test
    void layout0InitialStatesAreTakenAsIs() {
        OnnxBinding b = lstm(0, "Y", "Y_h", "Y_c").bind(inputs(0));
        assertEquals(Layout.TIME_MAJOR, b.input().layout());
        assertArrayEquals(ourState(), b.input().initialH());
    }

    @Test
    void onlyTheGraphOutputsAreAskedFor() {
        assertEquals(Set.of(OutputKind.H_FINAL), lstm(0, "", "Y_h").bind(inputs(0)).input().outputs());
        assertEquals(Set.of(OutputKind.Y, OutputKind.C_FINAL), lstm(0, "Y", "", "Y_c").bind(inputs(0)).input().outputs());
    }

    @Test
    void layout0YBecomesTimeDirectionBatchHidden() {
        OnnxBinding b = lstm(0, "Y", "Y_h", "Y_c").bind(inputs(0));
        float[] y = new float[T * N * D * H];
        for (int t = 0; t < T; t++) for (int n = 0; n < N; n++) for (int d = 0; d < D; d++) for (int h = 0; h < H; h++) {
            y[((t * N + n) * D + d) * H + h] = code(t, n, d, h);
        }
        List<OnnxTensor> out = b.outputs(new RnnOutput(y, ourState(), ourState(), Layout.TIME_MAJOR, T, N, D * H));
        assertEquals(List.of("Y", "Y_h", "Y_c"), List.of(out.get(0).name(), out.get(1).name(), out.get(2).name()));
        assertArrayEquals(new long[] {T, D, N, H}, out.get(0).dims());
        float[] onnxY = out.get(0).floats();
        int k = 0;
        for (int t = 0; t < T; t++) for (int d = 0; d < D; d++) for (int n = 0; n < N; n++) for (int h = 0; h < H; h++) {
            assertEquals(code(t, n, d, h), onnxY[k++], "Y[" + t + "," + d + "," + n + "," + h + "]");
        }
        assertArrayEquals(new long[] {D, N, H}, out.get(1).dims());
        assertArrayEquals(ourState(), out.get(1).floats());
        assertArrayEquals(ourState(), out.get(2).floats());
    }

    @Test
    void layout1YKeepsItsMemoryAndStatesBecomeBatchMajor() {
        OnnxBinding b = lstm(1, new String[] {"Y", "", "Y_c"}, new String[] {"Y_c", "Y"}).bind(inputs(1));
        float[] y = new float[N * T * D * H];
        for (int i = 0; i < y.length; i++) y[i] = i;
        List<OnnxTensor> out = b.outputs(new RnnOutput(y, null, ourState(), Layout.BATCH_MAJOR, T, N, D * H));
        // Graph output order, not node slot order.
        assertEquals("Y_c", out.get(0).name());
        assertArrayEquals(new long[] {N, D, H}, out.get(0).dims());
        float[] c = out.get(0).floats();
        int k = 0;
        for (int n = 0; n < N; n++) for (int d = 0; d < D; d++) for (int h = 0; h < H; h++) {
            assertEquals(code(0, d, n, h), c[k++], "Y_c[" + n + "," + d + "," + h + "]");
        }
        assertArrayEquals(new long[] {N, T, D, H}, out.get(1).dims());
        assertArrayEquals(y, out.get(1).floats());
    }
}
