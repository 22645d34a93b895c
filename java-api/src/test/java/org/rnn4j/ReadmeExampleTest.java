package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The README's API example, compiled and run (on the reference, the only backend java-api has). */
class ReadmeExampleTest {

    @Test
    void readmeExampleRuns() {
        // --- README example begins
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm().withAllPeepholes())
                .inputSize(64).hiddenSize(128).layers(2)
                .direction(Direction.BIDIRECTIONAL_CONCAT)
                .build();
        RnnWeights weights = RnnWeights.random(spec, 42);           // or an importer: ONNX, PyTorch, Keras

        Backend backend = Backends.select("reference");             // Backends.select() picks the best native one
        try (PreparedRnn rnn = backend.prepare(spec, weights)) {     // descriptors and weight reorders, once
            float[] x = new float[10 * 4 * 64];                      // [T=10, N=4, I=64], time-major
            RnnInput input = RnnInput.builder(x, Layout.TIME_MAJOR, 10, 4)
                    .sequenceLengths(10, 7, 3, 0)                    // ragged batch, zeros past each length
                    .build();
            RnnOutput out = rnn.forward(input);                      // thread-safe, many callers at once
            float[] y = out.y();                                     // [T, N, 2·128]
            float[] hFinal = out.hFinal();                           // [L·D = 4, N, 128]
            // --- README example ends
            assertEquals(10 * 4 * 256, y.length);
            assertEquals(4 * 4 * 128, hFinal.length);
        }
    }
}
