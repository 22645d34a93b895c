/**
 * Weight importers for models trained elsewhere: {@link org.rnn4j.importers.PyTorchImporter} (state dicts as
 * safetensors or in memory) and {@link org.rnn4j.importers.KerasImporter} ({@code .keras}, Keras 2 {@code .h5},
 * or arrays). Each converts once into rnn4j's canonical {@link org.rnn4j.RnnWeights} and either infers the
 * {@link org.rnn4j.RnnSpec} or checks the file against an expected one. The JSON and HDF5 libraries they use
 * (gson, jhdf) are optional dependencies of rnn4j-api. See docs/importers.md.
 */
package org.rnn4j.importers;
