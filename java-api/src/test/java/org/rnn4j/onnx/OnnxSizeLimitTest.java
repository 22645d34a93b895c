package org.rnn4j.onnx;

import static org.rnn4j.onnx.OnnxAttributeMappingTest.assertMessage;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.RnnSpec;

/**
 * Protobuf's 2 GiB message limit: tensors and exported models past it are refused by name (rnn4j writes no ONNX
 * external data). The arrays are real, so these tests need a heap of a few GiB and skip without one.
 */
class OnnxSizeLimitTest {

    @Test
    void aTensorOf2GiBIsRefusedByNameNotWithANegativeCapacity() {
        Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() >= 3L << 30, "needs a heap of 3 GiB for a 2 GiB array");
        OnnxTensor w = OnnxTensor.ofFloats("W", new float[1 << 29], 1, 1 << 12, 1 << 17); // 2^29 floats = 2^31 bytes
        assertMessage(w::toProto,
                "tensor 'W': 536870912 values need 2147483648 bytes of raw_data, more than a protobuf message holds (2147483647 bytes)",
                "external data is not supported");
    }

    @Test
    void initializersThatTogetherPass2GiBAreRefusedBeforeAnyIsCopied() {
        Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() >= 2L << 30, "needs a heap of 2 GiB for a 1 GiB array");
        float[] gib = new float[1 << 28]; // 1 GiB, shared by both tensors (OnnxTensor does not copy)
        RnnSpec spec = RnnSpec.builder(new Cell.Rnn(Activation.TANH)).inputSize(1 << 14).hiddenSize(1 << 14).build();
        List<OnnxTensor> initializers = List.of(OnnxTensor.ofFloats("W", gib, 1, 1 << 14, 1 << 14),
                OnnxTensor.ofFloats("R", gib, 1, 1 << 14, 1 << 14));
        assertMessage(() -> OnnxExporter.requireSerializable(spec, initializers),
                "model rnn_tanh", "'W' FLOAT[1, 16384, 16384]", "'R' FLOAT[1, 16384, 16384]",
                "more than a protobuf message holds (2147483647 bytes)");
    }
}
