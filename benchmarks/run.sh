#!/usr/bin/env bash
# Runs the side-by-side suite at 1 and 2 native threads and writes one Markdown report per thread count to
# benchmarks/results/threads-N.md (committed: docs/benchmarks.md quotes them) and JMH's log to threads-N.log
# (git-ignored). oneDNN reads OMP_NUM_THREADS once when its natives load, so each thread count is its own JVM
# run, and every JMH fork inherits the variable.
# --quick (1 warm-up + 2 short iterations) is a smoke test: its reports and logs go to benchmarks/target/quick/
# (git-ignored, like all of target/), never over the committed results.
# Usage: benchmarks/run.sh [--quick] [SHAPE ...]
# Build first: mvn -B -Djavacpp.platform=linux-x86_64 -pl benchmarks -am package -DskipTests
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
out="$here/results"
for arg in "$@"; do
  if [[ $arg == --quick ]]; then out="$here/target/quick"; fi
done
[[ -f "$jar" ]] || { echo "run.sh: $jar not found; build the benchmarks module first" >&2; exit 2; }
mkdir -p "$out"
for t in 1 2; do
  echo "run.sh: OMP_NUM_THREADS=$t -> $out/threads-$t.md (load average now: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  OMP_NUM_THREADS=$t java -jar "$jar" --report "$out/threads-$t.md" "$@" > "$out/threads-$t.log" 2>&1 \
    || { echo "run.sh: run at $t threads failed; see $out/threads-$t.log" >&2; exit 1; }
done
echo "run.sh: wrote $out/threads-1.md and $out/threads-2.md" >&2
