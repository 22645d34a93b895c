#!/usr/bin/env bash
# The GPU session's device-side steps (docs/gpu-validation.md, "Commands for the GPU session"), each writing its logs
# under OUT so that the device tool brings them back. Run on the device machine from the worktree root, with the bundle
# of `gpu-bundle.sh suite` carried (`carry: [".gpu-bundle"]`):
#
#   native-config/cudnn/gpu-session.sh bench "$OUT"   # nvidia-smi, probe, self-check + rnn4j bench, PyTorch bench (~5 min)
#   native-config/cudnn/gpu-session.sh suite "$OUT"   # the tests module on cuDNN, required (gpu-suite.sh)
#
# Two calls rather than one, so that a hang in one step (each has its own time limit) still leaves the other's logs;
# the limits of one call, each with 10 s more to die if it ignores the signal, add up to under the device tool's
# 600 s: probes 40 s each, nvidia-smi 2 × 15 s, self-check and bench 300 s, PyTorch 140 s; the suite 480 s.
# A third argument `smoke` runs the bench step on tiny shapes (GpuSelfCheck bench smoke, gpu-torch-bench.py --quick):
# a rehearsal of the script itself, e.g. on the build machine under the host CUDA stand-in.
#
# Which cuDNN: the machine's own (/usr/lib/x86_64-linux-gnu, 9.14 when shared/gpu/README.md was written) unless the
# probe refuses it for a reason other than the rnn4j.cudnn.enable gate (for example a cuDNN built for CUDA 12: the
# bindings are CUDA 13's); then the cuDNN inside the machine's PyTorch wheels, if that one passes the probe. The
# choice and both probe texts go to OUT/cudnn-choice.txt, and the chosen directory leads LD_LIBRARY_PATH for every
# later step of that call.
set -uo pipefail
step=${1:?usage: gpu-session.sh bench|suite OUT}
out=${2:?usage: gpu-session.sh bench|suite OUT}
smoke=${3:-}
case "$smoke" in ""|smoke) ;; *) echo "unknown third argument '$smoke': smoke or nothing"; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
b=.gpu-bundle
[ -x "$b/jre/bin/java" ] || { echo "no $b/jre: build it with native-config/cudnn/gpu-bundle.sh suite and carry it"; exit 2; }
mkdir -p "$out"
java=("$b/jre/bin/java" -cp "$b/lib/*")

# The probe alone: with the gate closed GpuSelfCheck prints it and exits 2 before any case.
probe() { timeout -k 10 40 "${java[@]}" -Drnn4j.cudnn.enable=false org.rnn4j.cudnn.GpuSelfCheck 2>&1 | head -5; }

choose_cudnn() {
  local system torch_dir torch_probe
  system=$(probe)
  { echo "system cuDNN: $system"; } > "$out/cudnn-choice.txt"
  if grep -q "has not been validated on a GPU yet" <<<"$system"; then
    echo "chosen: the machine's cuDNN" >> "$out/cudnn-choice.txt"; return
  fi
  torch_dir=$(python3 - <<'EOF' 2>/dev/null
import glob, os, site
# The nvidia-cudnn wheel PyTorch depends on (nvidia/cudnn/lib), or a cuDNN bundled in torch/lib.
for root in site.getsitepackages() + [site.getusersitepackages()]:
    for pattern in ("nvidia/**/libcudnn.so.9", "torch/lib/libcudnn.so.9"):
        for lib in sorted(glob.glob(os.path.join(root, pattern), recursive=True)):
            print(os.path.dirname(lib)); raise SystemExit
EOF
)
  if [ -n "$torch_dir" ]; then
    torch_probe=$(LD_LIBRARY_PATH="$torch_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" probe)
    echo "PyTorch's cuDNN ($torch_dir): $torch_probe" >> "$out/cudnn-choice.txt"
    if grep -q "has not been validated on a GPU yet" <<<"$torch_probe"; then
      export LD_LIBRARY_PATH="$torch_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      echo "chosen: PyTorch's cuDNN, LD_LIBRARY_PATH=$LD_LIBRARY_PATH" >> "$out/cudnn-choice.txt"; return
    fi
  else
    echo "no cuDNN found in PyTorch's site-packages" >> "$out/cudnn-choice.txt"
  fi
  echo "chosen: the machine's cuDNN, although the probe refuses it (the steps below record how)" >> "$out/cudnn-choice.txt"
}

choose_cudnn
cat "$out/cudnn-choice.txt"
case "$step" in
  bench)
    { date -u; timeout 15 nvidia-smi; timeout 15 nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv; } > "$out/nvidia-smi.txt" 2>&1
    { git rev-parse HEAD 2>/dev/null || echo "(no git)"; } > "$out/commit.txt"
    timeout -k 10 300 "${java[@]}" -Drnn4j.cudnn.enable=true org.rnn4j.cudnn.GpuSelfCheck bench $smoke > "$out/selfcheck.txt" 2>&1
    echo "rc=$?" >> "$out/selfcheck.txt"
    grep -E "^(probe|FAIL|self-check|rc=)" "$out/selfcheck.txt"; sed -n '/^shape |/,$p' "$out/selfcheck.txt"
    timeout -k 10 140 python3 "$here/gpu-torch-bench.py" --json "$out/torch.json" ${smoke:+--quick} > "$out/torch.txt" 2>&1
    echo "rc=$?" >> "$out/torch.txt"
    cat "$out/torch.txt"
    ;;
  suite)
    timeout -k 10 480 "$here/gpu-suite.sh" "$out" > "$out/suite-tail.txt" 2>&1
    echo "rc=$?" >> "$out/suite-tail.txt"
    tail -25 "$out/suite-tail.txt"
    ;;
  *) echo "unknown step '$step': bench or suite"; exit 2 ;;
esac
