package org.rnn4j.bench;

/** ONNX Runtime side of the comparison; filled in once the ONNX exporter lands. */
final class OrtRunner {
    private OrtRunner() {}

    static boolean available() { return false; }
}
