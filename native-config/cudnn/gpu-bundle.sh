#!/usr/bin/env bash
# Builds .gpu-bundle/ (git-ignored): a jlink JDK 17 runtime plus the jars GpuSelfCheck needs, ~47 MiB, small enough
# for the device tool's 64 MiB carry. Same steps as /work/shared/gpu/make-bundle.sh, but (1) it works in a git
# worktree (where .git is a file, so make-bundle.sh's `mkdir -p .git/info` fails; .gpu-bundle/ is in .gitignore
# already), and (2) it bundles only native-config/cudnn and its dependencies: the whole reactor's bundle is 111 MiB
# (the shaded benchmarks.jar and cli rnn4j.jar alone are 60 MiB). Test scope brings the cuda and javacpp
# linux-x86_64 natives jars (and JUnit, small).
#
# With the argument `suite` it also adds what the cross-backend suite and the ONNX node tests need on a machine
# without Maven: the tests module's compiled tests and resources (.gpu-bundle/suite-classes), its test-scope
# libraries without the oneDNN natives (the GPU run is about cuDNN; oneDNN then skips with its reason) and JUnit's
# console launcher (version pinned in the root pom; its XML reports are why the runtime has java.xml). gpu-suite.sh
# runs it there.
#
# Usage, from anywhere in the worktree: native-config/cudnn/gpu-bundle.sh [suite]
set -euo pipefail
top=$(git rev-parse --show-toplevel); cd "$top"
out=.gpu-bundle
rm -rf "$out"; mkdir -p "$out/lib"
jlink --add-modules java.base,jdk.unsupported,java.logging,java.management,java.xml \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"
mvn -q -B -Djavacpp.platform=linux-x86_64 -DskipTests -pl native-config/cudnn -am \
  -DincludeScope=test -DoutputDirectory="$top/$out/lib" package dependency:copy-dependencies
cp java-api/target/rnn4j-api-*.jar native-config/common/target/rnn4j-native-common-*.jar \
   native-config/cudnn/target/rnn4j-cudnn-*.jar "$out/lib/"
rm -f "$out"/lib/*-sources.jar "$out"/lib/*-javadoc.jar
if [ "${1:-}" = suite ]; then
  junit_platform=$(sed -n 's:.*<junit-platform.version>\(.*\)</junit-platform.version>.*:\1:p' pom.xml)
  mkdir -p "$out/suite-lib"
  # One reactor run, so the tests module's rnn4j dependencies resolve to the jars just built (copy-dependencies runs
  # in every upstream module too; duplicates are removed below).
  mvn -q -B -Djavacpp.platform=linux-x86_64 -DskipTests -pl tests -am -DincludeScope=test \
    -DoutputDirectory="$top/$out/suite-lib" package dependency:copy-dependencies
  mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:"$(sed -n 's:.*<dependency-plugin.version>\(.*\)</dependency-plugin.version>.*:\1:p' pom.xml)":copy \
    -Dartifact=org.junit.platform:junit-platform-console-standalone:"$junit_platform" -DoutputDirectory="$top/$out"
  cp -r tests/target/test-classes "$out/suite-classes"
  # Jars lib/ already has, the oneDNN natives and the benchmark-only ONNX Runtime stay behind.
  for j in "$out"/suite-lib/*.jar; do
    b=$(basename "$j")
    if [ -e "$out/lib/$b" ] || [[ $b == dnnl-*-linux-x86_64.jar ]] || [[ $b == onnxruntime-* ]] || [[ $b == *-sources.jar ]]; then rm -f "$j"; fi
  done
fi
du -sh "$out"
echo "carry: [\"$out\"]  then: $out/jre/bin/java -Drnn4j.cudnn.enable=true -cp \"$out/lib/*\" org.rnn4j.cudnn.GpuSelfCheck bench"
[ "${1:-}" = suite ] && echo "and: native-config/cudnn/gpu-suite.sh \$OUT" || true
