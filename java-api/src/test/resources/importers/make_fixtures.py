#!/usr/bin/python3
"""Golden fixtures for rnn4j's PyTorch and Keras weight importers.

Run with Debian's Python (python3-torch, python3-h5py), from this directory:
    /usr/bin/python3 make_fixtures.py

PyTorch cases: real torch.nn.LSTM / GRU / RNN modules (torch.manual_seed), their state_dict saved as safetensors
(format written here: 8-byte little-endian header length, JSON header {name: {dtype, shape, data_offsets}}, raw
little-endian data; https://github.com/huggingface/safetensors#format) and their float32 outputs for a fixed input
and initial states.

Keras cases: Keras is not installable here. The .h5 / .keras files are written with h5py following Keras's weight
layout (Keras 3: layers/<name>/cell/vars/0,1,2 in model.weights.h5; Keras 2: model_weights/<layer>/<weight_names>
with kernel:0, recurrent_kernel:0, bias:0). Their expected outputs come from a float64 numpy transcription of the
Keras cell equations (keras.layers.LSTMCell / GRUCell), NOT from Keras; for LSTM and GRU reset_after=True that
transcription is itself checked here against torch after converting the weights by hand.

Every text fixture line is `name dims=d0,d1,...: v v v ...` (row-major) or `key: value`.
"""
import io
import json
import os
import struct
import zipfile

import h5py
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------- safetensors

def _raw_bytes(t, dtype):
    t = t.detach().contiguous()
    if dtype == "F32":
        return t.to(torch.float32).numpy().astype("<f4").tobytes()
    if dtype == "F16":
        return t.to(torch.float16).numpy().astype("<f2").tobytes()
    if dtype == "F64":
        return t.to(torch.float64).numpy().astype("<f8").tobytes()
    if dtype == "BF16":
        return t.to(torch.bfloat16).view(torch.int16).numpy().astype("<i2").tobytes()
    raise ValueError(dtype)


def save_safetensors(path, tensors, dtype="F32"):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        raw = _raw_bytes(t, dtype)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)  # the format allows trailing spaces; keeps data 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------- text fixtures

def fmt(name, a):
    a = np.asarray(a)
    dims = ",".join(str(d) for d in a.shape)
    vals = " ".join(repr(float(v)) for v in a.reshape(-1))
    return f"{name} dims={dims}: {vals}\n"


def write_text(path, meta, arrays):
    with open(path, "w") as f:
        for k, v in meta.items():
            f.write(f"{k}: {v}\n")
        for k, v in arrays.items():
            f.write(fmt(k, v))


# ---------------------------------------------------------------- PyTorch cases

class Wrapper(torch.nn.Module):
    """A bigger module: the recurrent layer lives under a key prefix next to unrelated weights."""

    def __init__(self, rnn, out):
        super().__init__()
        self.rnn = rnn
        self.head = torch.nn.Linear(out, 2)


def torch_case(name, make, kind, steps, batch, dtype="F32", prefix="", nonlinearity=None):
    torch.manual_seed(1234)
    rnn = make()
    if dtype != "F32":
        # The file holds rounded weights: run the module with exactly those values.
        with torch.no_grad():
            for p in rnn.parameters():
                rounded = torch.frombuffer(bytearray(_raw_bytes(p, dtype)),
                                           dtype={"F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}[dtype])
                p.copy_(rounded.reshape(p.shape).to(torch.float32))
    d = 2 if rnn.bidirectional else 1
    s = rnn.proj_size if getattr(rnn, "proj_size", 0) else rnn.hidden_size
    x = torch.rand(steps, batch, rnn.input_size) * 2 - 1
    h0 = torch.rand(rnn.num_layers * d, batch, s) * 2 - 1
    with torch.no_grad():
        if kind == "lstm":
            c0 = torch.rand(rnn.num_layers * d, batch, rnn.hidden_size) * 2 - 1
            y, (hn, cn) = rnn(x, (h0, c0))
        else:
            c0 = cn = None
            y, hn = rnn(x, h0)
    state = rnn.state_dict()
    if prefix:
        state = Wrapper(rnn, d * s).state_dict()
    save_safetensors(os.path.join(HERE, name + ".safetensors"), state, dtype)
    meta = {"source": "torch " + torch.__version__ + " " + repr(rnn), "prefix": prefix or "-"}
    if nonlinearity:
        meta["nonlinearity"] = nonlinearity
    arrays = {"x": x, "h0": h0}
    if c0 is not None:
        arrays["c0"] = c0
    arrays.update({"y": y, "hn": hn})
    if cn is not None:
        arrays["cn"] = cn
    write_text(os.path.join(HERE, name + ".txt"), meta, {k: v.numpy() for k, v in arrays.items()})


def make_torch_fixtures():
    torch_case("torch_lstm_l2_bidi", lambda: torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True),
               "lstm", steps=4, batch=2, prefix="rnn.")
    torch_case("torch_lstmp_l2", lambda: torch.nn.LSTM(3, 5, num_layers=2, proj_size=2),
               "lstm", steps=4, batch=2)
    torch_case("torch_gru_bidi", lambda: torch.nn.GRU(3, 4, bidirectional=True),
               "gru", steps=5, batch=2)
    torch_case("torch_rnn_relu_l2_nobias", lambda: torch.nn.RNN(3, 4, num_layers=2, nonlinearity="relu", bias=False),
               "rnn", steps=4, batch=2, nonlinearity="relu")
    torch_case("torch_gru_f16", lambda: torch.nn.GRU(3, 4), "gru", steps=3, batch=2, dtype="F16")
    torch_case("torch_rnn_tanh_bf16", lambda: torch.nn.RNN(3, 4), "rnn", steps=3, batch=2, dtype="BF16",
               nonlinearity="tanh")


# ---------------------------------------------------------------- Keras equations (float64 numpy)

def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def keras_lstm(x, h, c, kernel, rec, bias):
    """keras.layers.LSTMCell: z = x@kernel + h@recurrent_kernel + bias, split i, f, c, o."""
    units = rec.shape[0]
    ys = []
    for t in range(x.shape[0]):
        z = x[t] @ kernel + h @ rec + bias
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        ys.append(h)
    return np.stack(ys), h, c


def keras_gru(x, h, kernel, rec, bias, reset_after):
    """keras.layers.GRUCell, gates z, r, h. reset_after: bias [2, 3H] = (input, recurrent) and
    hh = tanh(x_h + r * (h@U_h + b_rh)); otherwise bias [3H] (input only) and hh = tanh(x_h + (r*h)@U_h)."""
    units = rec.shape[0]
    b_in, b_rec = (bias[0], bias[1]) if reset_after else (bias, np.zeros_like(bias))
    ys = []
    for t in range(x.shape[0]):
        xm = x[t] @ kernel + b_in
        x_z, x_r, x_h = (xm[:, k * units:(k + 1) * units] for k in range(3))
        if reset_after:
            hm = h @ rec + b_rec
            z = sigmoid(x_z + hm[:, :units])
            r = sigmoid(x_r + hm[:, units:2 * units])
            hh = np.tanh(x_h + r * hm[:, 2 * units:])
        else:
            z = sigmoid(x_z + h @ rec[:, :units])
            r = sigmoid(x_r + h @ rec[:, units:2 * units])
            hh = np.tanh(x_h + (r * h) @ rec[:, 2 * units:])
        h = z * h + (1 - z) * hh
        ys.append(h)
    return np.stack(ys), h


def check_against_torch_lstm(x, h0, c0, kernel, rec, bias, y):
    """Transcription check: Keras kernel^T is PyTorch weight_ih (both orders are i, f, c/g, o)."""
    m = torch.nn.LSTM(kernel.shape[0], rec.shape[0]).double()
    with torch.no_grad():
        m.weight_ih_l0.copy_(torch.from_numpy(kernel.T))
        m.weight_hh_l0.copy_(torch.from_numpy(rec.T))
        m.bias_ih_l0.copy_(torch.from_numpy(bias))
        m.bias_hh_l0.zero_()
        ty, _ = m(torch.from_numpy(x), (torch.from_numpy(h0[None]), torch.from_numpy(c0[None])))
    assert np.allclose(ty.numpy(), y, atol=1e-12), "numpy Keras LSTM disagrees with torch"


def check_against_torch_gru(x, h0, kernel, rec, bias, y):
    """Transcription check for reset_after=True: Keras z, r, h → PyTorch r, z, n."""
    units = rec.shape[0]
    perm = lambda a: np.concatenate([a[..., units:2 * units], a[..., :units], a[..., 2 * units:]], axis=-1)
    m = torch.nn.GRU(kernel.shape[0], units).double()
    with torch.no_grad():
        m.weight_ih_l0.copy_(torch.from_numpy(perm(kernel).T))
        m.weight_hh_l0.copy_(torch.from_numpy(perm(rec).T))
        m.bias_ih_l0.copy_(torch.from_numpy(perm(bias[0])))
        m.bias_hh_l0.copy_(torch.from_numpy(perm(bias[1])))
        ty, _ = m(torch.from_numpy(x), torch.from_numpy(h0[None]))
    assert np.allclose(ty.numpy(), y, atol=1e-12), "numpy Keras GRU disagrees with torch"


# ---------------------------------------------------------------- Keras files

def f32(rng, *shape):
    """Float32 values (what Keras stores), returned as float64 for the equations."""
    return (rng.uniform(-0.6, 0.6, size=shape).astype(np.float32)).astype(np.float64)


def keras_layer_weights(rng, cell, inputs, units, reset_after=True):
    g = {"lstm": 4, "gru": 3}[cell]
    kernel, rec = f32(rng, inputs, g * units), f32(rng, units, g * units)
    bias = f32(rng, 2, g * units) if (cell == "gru" and reset_after) else f32(rng, g * units)
    return kernel, rec, bias


def run_keras_layer(cell, x, h0, c0, w, reset_after=True, check=True):
    kernel, rec, bias = w
    if cell == "lstm":
        y, hn, cn = keras_lstm(x, h0, c0, kernel, rec, bias)
        if check:
            check_against_torch_lstm(x, h0, c0, kernel, rec, bias, y)
        return y, hn, cn
    y, hn = keras_gru(x, h0, kernel, rec, bias, reset_after)
    if check and reset_after:
        check_against_torch_gru(x, h0, kernel, rec, bias, y)
    return y, hn, None


def keras3_weights_h5(layers):
    """model.weights.h5 bytes in the Keras 3 layout; layers: {path under layers/: [kernel, rec, bias]}."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.create_group("vars")
        f.create_group("layers").create_group("input_layer").create_group("vars")
        for path, ws in layers.items():
            group = f.require_group("layers/" + path)
            parent = path.split("/")[0]
            f.require_group("layers/" + parent).require_group("vars")
            cell = group.create_group("cell")
            group.require_group("vars")
            v = cell.create_group("vars")
            for i, a in enumerate(ws):
                v.create_dataset(str(i), data=np.asarray(a, dtype=np.float32))
        f.create_group("optimizer").create_group("vars")
    return buf.getvalue()


def write_keras3(name, layers, config):
    def entry(name):  # fixed timestamps keep regenerated fixtures byte-identical
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    with zipfile.ZipFile(os.path.join(HERE, name + ".keras"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(entry("metadata.json"), json.dumps({"keras_version": "3.x (layout written by make_fixtures.py)"}))
        z.writestr(entry("config.json"), json.dumps(config))
        z.writestr(entry("model.weights.h5"), keras3_weights_h5(layers))


def write_keras2(name, layers, extra_dense=True):
    """Keras 2 `model.save('x.h5')` layout: model_weights/<layer>/<weight name> with attrs layer_names/weight_names."""
    with h5py.File(os.path.join(HERE, name + ".h5"), "w") as f:
        f.attrs["keras_version"] = b"2.13.1"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = b'{"class_name": "Sequential", "note": "layout written by make_fixtures.py"}'
        mw = f.create_group("model_weights")
        names = [n for n, _, _ in layers] + (["dense"] if extra_dense else [])
        mw.attrs["layer_names"] = np.array([n.encode() for n in names])
        mw.attrs["backend"] = b"tensorflow"
        mw.attrs["keras_version"] = b"2.13.1"
        for lname, cell_name, ws in layers:
            g = mw.create_group(lname)
            wnames = [f"{lname}/{cell_name}/{w}:0" for w in ("kernel", "recurrent_kernel", "bias")]
            g.attrs["weight_names"] = np.array([w.encode() for w in wnames])
            for wn, a in zip(wnames, ws):
                g.create_dataset(wn, data=np.asarray(a, dtype=np.float32))
        if extra_dense:
            g = mw.create_group("dense")
            g.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
            g.create_dataset("dense/kernel:0", data=np.ones((3, 2), np.float32))
            g.create_dataset("dense/bias:0", data=np.zeros((2,), np.float32))


def keras_case_text(name, meta, x, h0, c0, y, hn, cn):
    arrays = {"x": x, "h0": h0}
    if c0 is not None:
        arrays["c0"] = c0
    arrays.update({"y": y, "hn": hn})
    if cn is not None:
        arrays["cn"] = cn
    meta = dict(meta, expected="float64 numpy transcription of the Keras cell equations, not Keras")
    write_text(os.path.join(HERE, name + ".txt"), meta, arrays)


def make_keras_fixtures():
    rng = np.random.default_rng(7)
    t, n, i = 4, 2, 3

    # Keras 3 .keras: one LSTM layer.
    w = keras_layer_weights(rng, "lstm", i, 4)
    x, h0, c0 = f32(rng, t, n, i), f32(rng, n, 4), f32(rng, n, 4)
    y, hn, cn = run_keras_layer("lstm", x, h0, c0, w)
    write_keras3("keras3_lstm", {"lstm": list(w)}, {"class_name": "Sequential", "layers": ["lstm"]})
    keras_case_text("keras3_lstm", {"layers": "lstm"}, x, h0[None], c0[None], y, hn[None], cn[None])

    # Keras 3 .keras: Bidirectional(GRU(reset_after=True)), merge_mode concat.
    wf = keras_layer_weights(rng, "gru", i, 3)
    wb = keras_layer_weights(rng, "gru", i, 3)
    x, h0f, h0b = f32(rng, t, n, i), f32(rng, n, 3), f32(rng, n, 3)
    yf, hf, _ = run_keras_layer("gru", x, h0f, None, wf)
    yb, hb, _ = run_keras_layer("gru", x[::-1].copy(), h0b, None, wb)
    y = np.concatenate([yf, yb[::-1]], axis=-1)
    write_keras3("keras3_gru_bidi", {"bidirectional/forward_layer": list(wf), "bidirectional/backward_layer": list(wb)},
                 {"class_name": "Sequential", "layers": ["bidirectional(gru)"]})
    keras_case_text("keras3_gru_bidi", {"layers": "bidirectional"}, x, np.stack([h0f, h0b]), None, y,
                    np.stack([hf, hb]), None)

    # Keras 2 .h5: GRU(reset_after=False) (the Keras 1 / TF1 flavour, reset before the recurrent product).
    w = keras_layer_weights(rng, "gru", i, 4, reset_after=False)
    x, h0 = f32(rng, t, n, i), f32(rng, n, 4)
    y, hn, _ = run_keras_layer("gru", x, h0, None, w, reset_after=False)
    write_keras2("keras2_gru_reset_before", [("gru", "gru_cell", w)])
    keras_case_text("keras2_gru_reset_before", {"layers": "gru"}, x, h0[None], None, y, hn[None], None)

    # Keras 2 .h5: two stacked LSTMs (lstm → lstm_1) and an unrelated dense layer.
    w0 = keras_layer_weights(rng, "lstm", i, 3)
    w1 = keras_layer_weights(rng, "lstm", 3, 3)
    x = f32(rng, t, n, i)
    h0, c0 = f32(rng, 2, n, 3), f32(rng, 2, n, 3)
    y0, hn0, cn0 = run_keras_layer("lstm", x, h0[0], c0[0], w0)
    y1, hn1, cn1 = run_keras_layer("lstm", y0, h0[1], c0[1], w1)
    write_keras2("keras2_lstm_l2", [("lstm", "lstm_cell", w0), ("lstm_1", "lstm_cell_1", w1)])
    keras_case_text("keras2_lstm_l2", {"layers": "lstm,lstm_1"}, x, h0, c0, y1, np.stack([hn0, hn1]),
                    np.stack([cn0, cn1]))


if __name__ == "__main__":
    make_torch_fixtures()
    make_keras_fixtures()
    for f in sorted(os.listdir(HERE)):
        if not f.endswith(".py"):
            print(f"{os.path.getsize(os.path.join(HERE, f)):7d}  {f}")
