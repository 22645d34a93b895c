"""Keras 2 layer groups whose weight_names are easy to misgroup (KerasH5FileTest). Written by h5py, not Keras;
run from this directory with python3 + h5py. The weights are random (seed 0); the tests compare the importer against
the datasets themselves."""
import h5py, numpy as np
rng = np.random.default_rng(0)
I, H = 3, 2
def lstm_w(i): return [rng.standard_normal((i, 4*H)).astype(np.float32), rng.standard_normal((H, 4*H)).astype(np.float32), rng.standard_normal((4*H,)).astype(np.float32)]
def write(path, groups):
    with h5py.File(path, "w") as f:
        mw = f.create_group("model_weights")
        mw.attrs["layer_names"] = np.array([g.encode() for g, _ in groups])
        for gname, weights in groups:
            g = mw.create_group(gname)
            g.attrs["weight_names"] = np.array([n.encode() for n, _ in weights])
            for n, a in weights:
                g.create_dataset(n, data=a)
# A: Bidirectional layer the user named "backward_encoder"
fw, bw = lstm_w(I), lstm_w(I)
names = ["kernel:0", "recurrent_kernel:0", "bias:0"]
write("bidi_named_backward.h5", [("backward_encoder",
    [(f"backward_encoder/forward_lstm/lstm_cell_1/{n}", a) for n, a in zip(names, fw)] +
    [(f"backward_encoder/backward_lstm/lstm_cell_2/{n}", a) for n, a in zip(names, bw)])])
# same layer named normally
write("bidi_named_normal.h5", [("encoder",
    [(f"encoder/forward_lstm/lstm_cell_1/{n}", a) for n, a in zip(names, fw)] +
    [(f"encoder/backward_lstm/lstm_cell_2/{n}", a) for n, a in zip(names, bw)])])
# B: nested Sequential holding two stacked LSTMs (Keras 2 saves the nested model as one layer group)
l0, l1 = lstm_w(I), lstm_w(H)
write("nested_sequential.h5", [("sequential",
    [(f"lstm/lstm_cell/{n}", a) for n, a in zip(names, l0)] +
    [(f"lstm_1/lstm_cell_1/{n}", a) for n, a in zip(names, l1)])])
# C: nested Sequential with LSTM then Dense(kernel [H, 4H] by coincidence shape-compatible? no: just Dense)
write("nested_lstm_dense.h5", [("sequential",
    [(f"lstm/lstm_cell/{n}", a) for n, a in zip(names, l0)] +
    [("dense/kernel:0", rng.standard_normal((H, 5)).astype(np.float32)), ("dense/bias:0", np.zeros(5, np.float32))])])
