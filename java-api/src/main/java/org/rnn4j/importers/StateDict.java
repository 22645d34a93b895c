package org.rnn4j.importers;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/** Named tensors an importer looks up by key: a safetensors file or an in-memory map. Single-threaded. */
interface StateDict {

    /** Where the tensors come from, for messages. */
    String source();

    Set<String> names();

    /** Reads tensor {@code key} as float32. */
    FloatTensor read(String key) throws IOException;

    static StateDict of(String source, Map<String, FloatTensor> tensors) {
        return new StateDict() {
            @Override public String source() { return source; }

            @Override public Set<String> names() { return tensors.keySet(); }

            @Override public FloatTensor read(String key) {
                FloatTensor t = tensors.get(key);
                if (t == null) throw new IllegalArgumentException(source + ": expected a tensor named " + key + " but there is none");
                return t;
            }
        };
    }

    static StateDict of(SafetensorsFile file) {
        return new StateDict() {
            @Override public String source() { return "safetensors " + file.source(); }

            @Override public Set<String> names() { return file.names(); }

            @Override public FloatTensor read(String key) throws IOException { return file.read(key); }
        };
    }
}
