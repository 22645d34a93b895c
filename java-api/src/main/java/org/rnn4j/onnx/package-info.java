/**
 * ONNX file support: {@link org.rnn4j.onnx.OnnxRnnModel} reads a model with one RNN/LSTM/GRU node and binds
 * {@link org.rnn4j.onnx.OnnxTensor} inputs to an rnn4j spec, weights and input ({@link org.rnn4j.onnx.OnnxBinding});
 * {@link org.rnn4j.onnx.OnnxExporter} writes a single-layer spec back as such a model. Generated protobuf classes
 * live in {@code org.rnn4j.onnx.proto}.
 */
package org.rnn4j.onnx;
