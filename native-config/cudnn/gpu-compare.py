#!/usr/bin/env python3
"""Puts rnn4j's benchmark (the table GpuSelfCheck bench prints) beside PyTorch's (gpu-torch-bench.py --json) as the
markdown table of docs/gpu-validation.md, with ratios rnn4j / PyTorch (below 1: rnn4j faster).

Usage: gpu-compare.py SELFCHECK_TXT TORCH_JSON
"""
import json
import sys

# Bench.HEADER, checked by GpuSelfCheckTest.
HEADER = "shape | cell | B | T | H | f32 host µs | f32 host pageable µs | f32 cuDNN µs | f16 host µs | f16 host pageable µs | f16 cuDNN µs"
# ConcurrencyBench.HEADER, checked by GpuSelfCheckTest.
THREADS_HEADER = "threads | shape | calls/s | × 1 thread"
COLUMNS = ("f32_host", "f32_pageable", "f32_device", "f16_host", "f16_pageable", "f16_device")


def rnn4j_rows(path):
    """shape -> {f32_host, f32_pageable, f32_device, f16_...} (None where Bench printed "-") from the bench table."""
    rows, in_table = {}, False
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line == HEADER:
            in_table = True
        elif in_table:
            cells = [c.strip() for c in line.split("|")]
            if len(cells) != 5 + len(COLUMNS):
                break
            values = [None if c == "-" else float(c) for c in cells[5:]]
            rows[cells[0]] = dict(zip(COLUMNS, values))
    if not rows:
        sys.exit(f"{path}: no line '{HEADER}' followed by rows (did GpuSelfCheck run with 'bench'?)")
    return rows


def threads_rows(path):
    """The rows of the ConcurrencyBench table (after THREADS_HEADER), as printed."""
    rows, in_table = [], False
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line == THREADS_HEADER:
            in_table = True
        elif in_table:
            if line.count("|") != 3:
                break
            rows.append(line)
    return rows


def ratio(ours, theirs):
    return "—" if ours is None or theirs is None else f"{ours / theirs:.2f}"


def fmt(value):
    return "—" if value is None else f"{value:.0f}"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ours = rnn4j_rows(sys.argv[1])
    torch = json.load(open(sys.argv[2], encoding="utf-8"))
    print("PyTorch: " + ", ".join(f"{k} {v}" for k, v in torch["facts"].items()))
    print()
    print("| shape | cell | B | T | H | dtype | rnn4j cuDNN µs | PyTorch device µs | ratio | rnn4j host µs | PyTorch host µs"
          " | ratio | rnn4j host, pageable µs |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in torch["rows"]:
        mine = ours.get(row["shape"])
        for dtype in ("f32", "f16"):
            if dtype + "_device_us" not in row:
                continue
            dev = mine and mine[dtype + "_device"]
            host = mine and mine[dtype + "_host"]
            print(f"| {row['shape']} | {row['cell']} | {row['batch']} | {row['steps']} | {row['hidden']} | {dtype} | "
                  f"{fmt(dev)} | {fmt(row[dtype + '_device_us'])} | {ratio(dev, row[dtype + '_device_us'])} | "
                  f"{fmt(host)} | {fmt(row[dtype + '_host_us'])} | {ratio(host, row[dtype + '_host_us'])} | "
                  f"{fmt(mine and mine[dtype + '_pageable'])} |")
    threads = threads_rows(sys.argv[1])
    if threads:
        print("\nrnn4j, one prepared RNN shared by several threads (f32, host to host):\n")
        print("| threads | shape | calls/s | × 1 thread |\n|---|---|---|---|")
        for line in threads:
            print("| " + line + " |")
    print()
    for name, r in ours.items():
        twin = ours.get(name.split("-")[0]) if "-" in name else None
        if twin is None:
            continue
        print(f"Composed {name} (no PyTorch counterpart), host µs: f32 {fmt(r['f32_host'])} "
              f"({ratio(r['f32_host'], twin['f32_host'])} × native {name.split('-')[0]}), "
              f"f16 {fmt(r['f16_host'])} ({ratio(r['f16_host'], twin['f16_host'])} ×)")


if __name__ == "__main__":
    main()
