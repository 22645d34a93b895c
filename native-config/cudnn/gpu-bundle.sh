#!/usr/bin/env bash
# Builds .gpu-bundle/ (git-ignored): a jlink JDK 17 runtime plus the jars GpuSelfCheck needs, ~47 MiB, small enough
# for the device tool's 64 MiB carry. Same steps as /work/shared/gpu/make-bundle.sh, but (1) it works in a git
# worktree (where .git is a file, so make-bundle.sh's `mkdir -p .git/info` fails; .gpu-bundle/ is in .gitignore
# already), and (2) it bundles only native-config/cudnn and its dependencies: the whole reactor's bundle is 111 MiB
# (the shaded benchmarks.jar and cli rnn4j.jar alone are 60 MiB). Test scope brings the cuda and javacpp
# linux-x86_64 natives jars (and JUnit, small). Usage, from anywhere in the worktree: native-config/cudnn/gpu-bundle.sh
set -euo pipefail
top=$(git rev-parse --show-toplevel); cd "$top"
out=.gpu-bundle
rm -rf "$out"; mkdir -p "$out/lib"
jlink --add-modules java.base,jdk.unsupported,java.logging,java.management \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"
mvn -q -B -Djavacpp.platform=linux-x86_64 -DskipTests -pl native-config/cudnn -am \
  -DincludeScope=test -DoutputDirectory="$top/$out/lib" package dependency:copy-dependencies
cp java-api/target/rnn4j-api-*.jar native-config/common/target/rnn4j-native-common-*.jar \
   native-config/cudnn/target/rnn4j-cudnn-*.jar "$out/lib/"
rm -f "$out"/lib/*-sources.jar "$out"/lib/*-javadoc.jar
du -sh "$out"
echo "carry: [\"$out\"]  then: $out/jre/bin/java -Drnn4j.cudnn.enable=true -cp \"$out/lib/*\" org.rnn4j.cudnn.GpuSelfCheck bench"
