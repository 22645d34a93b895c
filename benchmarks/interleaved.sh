#!/usr/bin/env bash
# The noise-resistant companion of run.sh: for each shape, rnn4j, raw oneDNN and (at 1 thread) ONNX Runtime take turns
# in one JVM (org.rnn4j.bench.Interleaved), at 1 and 2 native threads; writes benchmarks/results/interleaved-N.txt.
# Usage: benchmarks/interleaved.sh [ROUNDS_SCALE]   (default 1: ~20 rounds at S2's size, more for smaller shapes)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "interleaved.sh: $jar not found; build the benchmarks module first" >&2; exit 2; }
scale="${1:-1}"
mkdir -p "$here/results"
# Rounds per shape, so that each shape takes roughly the same wall time.
# Each round is 1 untimed + 3 timed calls per implementation.
declare -A rounds=([S1]=6000 [S2]=8 [S3]=12 [S4]=10 [S5]=40 [S2_PEEPHOLE]=8 [S2_CIFG]=8 [S2_GRU]=8 [S2_BIDI2]=4 [S2_RAGGED]=10)
for t in 1 2; do
  out="$here/results/interleaved-$t.txt"
  : > "$out"
  for s in S1 S2 S3 S4 S5 S2_PEEPHOLE S2_CIFG S2_GRU S2_BIDI2 S2_RAGGED; do
    OMP_NUM_THREADS=$t java -cp "$jar" org.rnn4j.bench.Interleaved "$s" $(( ${rounds[$s]} * scale )) >> "$out"
  done
  echo "interleaved.sh: wrote $out" >&2
done
