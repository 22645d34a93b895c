#!/usr/bin/env bash
# Runs the cross-backend suite and the ONNX node tests from .gpu-bundle/ (built by `gpu-bundle.sh suite`) with the
# bundle's own JRE and JUnit's console launcher, cuDNN enabled and required (a cuDNN that does not load fails every
# case instead of skipping). Reports go to $1 (default: .gpu-bundle/reports). Usage on the device machine, from the
# worktree root: native-config/cudnn/gpu-suite.sh "$OUT"
set -uo pipefail
b=.gpu-bundle
reports=${1:-$b/reports}
mkdir -p "$reports"
# The console launcher jar brings JUnit itself: the bundle's own JUnit jars stay off the class path, or the Jupiter
# engine would be found twice.
cp="$b/suite-classes:$(ls "$b"/lib/*.jar "$b"/suite-lib/*.jar | grep -vE '/(junit-|opentest4j-|apiguardian-)' | tr '\n' ':')"
"$b/jre/bin/java" -Drnn4j.cudnn.enable=true -Drnn4j.test.requireBackends=cudnn -Djavacpp.platform=linux-x86_64 \
  -Dorg.bytedeco.javacpp.nopointergc=true -jar "$b"/junit-platform-console-standalone-*.jar execute \
  --class-path "$cp" \
  --select-class org.rnn4j.tests.CrossBackendSuiteTest --select-class org.rnn4j.tests.onnx.OnnxNodeTest \
  --select-class org.rnn4j.tests.RequiredBackendsTest \
  --details=summary --details-theme=ascii --reports-dir="$reports" 2>&1 | tee "$reports/suite.txt" | tail -40
exit "${PIPESTATUS[0]}"
