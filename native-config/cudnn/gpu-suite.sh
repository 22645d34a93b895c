#!/usr/bin/env bash
# Runs the tests module's suites from .gpu-bundle/ (built by `gpu-bundle.sh suite`) with the bundle's own JRE and
# JUnit's console launcher: the cross-backend grids (F32, F16, BF16), the ONNX node tests, the importer goldens and
# the reliability tests (bad input, 16 threads on one prepared RNN, close races, leaks, non-finite data). cuDNN is
# enabled and required, so a cuDNN that does not load fails every case instead of skipping. Reports go to $1
# (default: .gpu-bundle/reports). Usage on the device machine, from the worktree root:
#   native-config/cudnn/gpu-suite.sh "$OUT"
set -uo pipefail
b=.gpu-bundle
reports=${1:-$b/reports}
mkdir -p "$reports"
# The console launcher jar brings JUnit itself: the bundle's own JUnit jars stay off the class path, or the Jupiter
# engine would be found twice.
cp="$b/suite-classes:$(ls "$b"/lib/*.jar "$b"/suite-lib/*.jar | grep -vE '/(junit-|opentest4j-|apiguardian-)' | tr '\n' ':')"
# As the Maven build runs the tests module: JavaCPP's GC deallocation on (NativeLeakTest first checks that its counters
# move; nopointergc=true fails it) and the same fixed, pre-touched heap (tests/pom.xml).
# rnn4j.test.classpath: what a test that starts a child JVM gives it (the launcher's own java.class.path is its jar).
"$b/jre/bin/java" -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Drnn4j.test.classpath="$cp" -Drnn4j.cudnn.enable=true -Drnn4j.test.requireBackends=cudnn -Djavacpp.platform=linux-x86_64 \
  -jar "$b"/junit-platform-console-standalone-*.jar execute \
  --class-path "$cp" \
  --select-package org.rnn4j.tests \
  --details=summary --details-theme=ascii --reports-dir="$reports" 2>&1 | tee "$reports/suite.txt" | tail -40
exit "${PIPESTATUS[0]}"
