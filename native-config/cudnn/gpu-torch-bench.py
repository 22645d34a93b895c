#!/usr/bin/env python3
"""PyTorch's cuDNN RNN path on the benchmark shapes of org.rnn4j.cudnn.Bench, on the same machine and in the same
device call as rnn4j's run, so the two can be put side by side (docs/gpu-validation.md).

Each shape is one layer, unidirectional, input size = hidden size, sequence-major, eval mode under
torch.inference_mode(), TF32 off (the rnn4j backend uses CUBLAS_DEFAULT_MATH / CUDNN_FMA_MATH for f32). Two figures per
data type, medians in µs of 30 calls after 10 warm-up calls, as Bench measures rnn4j:

  device  CUDA events around rnn(x), x already on the GPU: the GPU time of the call. This is how the figures in
          shared/gpu/README.md were taken, and what Bench's "cuDNN" column measures for rnn4j.
  host    wall time from a float32 numpy array to numpy arrays of y, h (and c): upload, f16 conversion on the GPU,
          the call, download. What Bench's "host" column measures for rnn4j (which converts f16 on the host).

Usage: gpu-torch-bench.py [--device cuda|cpu] [--quick] [--json FILE]
--device cpu runs the same code on the CPU (f32 only), to check the script on a machine without a GPU.
"""
import argparse
import json
import platform
import statistics
import sys
import time

import numpy as np
import torch

# name, cell, batch, steps, hidden: the native rows of Bench (PyTorch has no peepholes or reset-before GRU on cuDNN).
SHAPES = [
    ("S1", "lstm", 1, 1, 256), ("S2", "lstm", 64, 50, 512), ("S3", "lstm", 16, 25, 1024),
    ("S4", "gru", 32, 100, 512), ("S5", "lstm", 4, 500, 256), ("L1", "lstm", 64, 100, 1024),
    ("L2", "gru", 64, 100, 1024), ("L3", "lstm", 256, 50, 512),
]
WARM_UP, TIMED = 10, 30


def median_us(samples_s):
    return statistics.median(samples_s) * 1e6


def tf32_off():
    """Turns TF32 off for cuDNN's RNN and cuBLAS, with PyTorch's newer per-backend settings where it has them (2.9+;
    the old allow_tf32 flags warn there), and returns what is in effect, read back."""
    if hasattr(torch.backends, "fp32_precision"):
        torch.backends.cuda.matmul.fp32_precision = "ieee"
        torch.backends.cudnn.fp32_precision = "ieee"
        torch.backends.cudnn.rnn.fp32_precision = "ieee"
        return (f"cudnn.rnn {torch.backends.cudnn.rnn.fp32_precision}, "
                f"cuda.matmul {torch.backends.cuda.matmul.fp32_precision}")
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    return (f"cudnn.allow_tf32 {torch.backends.cudnn.allow_tf32}, "
            f"cuda.matmul.allow_tf32 {torch.backends.cuda.matmul.allow_tf32}")


def time_device(rnn, x, device):
    """Median µs of rnn(x) with x on the device: CUDA events on CUDA, wall time on the CPU."""
    for _ in range(WARM_UP):
        rnn(x)
    samples = []
    for _ in range(TIMED):
        if device == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            rnn(x)
            end.record()
            end.synchronize()
            samples.append(start.elapsed_time(end) / 1e3)
        else:
            t0 = time.perf_counter()
            rnn(x)
            samples.append(time.perf_counter() - t0)
    return median_us(samples)


def time_host(rnn, x_host, device, dtype):
    """Median µs from a float32 numpy array to numpy results (every output the call returns)."""
    def call():
        x = torch.from_numpy(x_host).to(device)
        if dtype != torch.float32:
            x = x.to(dtype)
        y, state = rnn(x)
        states = state if isinstance(state, tuple) else (state,)
        return [t.float().cpu().numpy() for t in (y, *states)]

    for _ in range(WARM_UP):
        call()
    samples = []
    for _ in range(TIMED):
        if device == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        call()  # .cpu() waits for the GPU
        samples.append(time.perf_counter() - t0)
    return median_us(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    parser.add_argument("--quick", action="store_true", help="S1 and S2 only (a smoke test)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("CUDA is not available to PyTorch " + torch.__version__ + " (use --device cpu to check the script)")

    tf32 = tf32_off()
    dtypes = [("f32", torch.float32)] + ([("f16", torch.float16)] if args.device == "cuda" else [])
    facts = {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "device": torch.cuda.get_device_name(0) if args.device == "cuda" else platform.processor() or "cpu",
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version() if args.device == "cuda" else None,
        "threads": torch.get_num_threads(),
        "fp32 precision": tf32,
    }
    print("# " + ", ".join(f"{k} {v}" for k, v in facts.items()))
    print("shape | cell | B | T | H | " + " | ".join(f"{n} device µs | {n} host µs" for n, _ in dtypes))
    rows = []
    rng = np.random.default_rng(1)
    with torch.inference_mode():
        for name, cell, batch, steps, hidden in SHAPES[:2] if args.quick else SHAPES:
            row = {"shape": name, "cell": cell, "batch": batch, "steps": steps, "hidden": hidden}
            x_host = rng.uniform(-1, 1, size=(steps, batch, hidden)).astype(np.float32)
            for dname, dtype in dtypes:
                torch.manual_seed(1)
                module = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
                rnn = module(hidden, hidden, num_layers=1).to(args.device, dtype).eval()
                x = torch.from_numpy(x_host).to(args.device, dtype)
                row[dname + "_device_us"] = round(time_device(rnn, x, args.device), 1)
                row[dname + "_host_us"] = round(time_host(rnn, x_host, args.device, dtype), 1)
            rows.append(row)
            print(" | ".join(str(row[k]) for k in ("shape", "cell", "batch", "steps", "hidden")) + " | "
                  + " | ".join(f"{row[n + '_device_us']:.0f} | {row[n + '_host_us']:.0f}" for n, _ in dtypes), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"facts": facts, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
