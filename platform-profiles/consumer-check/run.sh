#!/usr/bin/env bash
# Consumer check: proves the published poms work for a user who only knows the BOM and rnn4j-platform.
#
#   platform-profiles/consumer-check/run.sh [EXPECTED_BACKEND] [--fresh]
#
# EXPECTED_BACKEND (or env RNN4J_EXPECTED_BACKEND; else RNN4J_BACKEND if set; else "onednn") is the backend the
# consumer's Backends.select() must report. --fresh empties the scratch repository first.
#
# 1. installs rnn4j (tests skipped), built from a copy of the sources in target/src, into a scratch local
#    repository, target/m2 here, never ~/.m2. A generated settings file reads ~/.m2/repository as a file://
#    repository ahead of Maven Central, so a warm machine copies instead of downloading; on a fresh machine
#    everything comes from Central.
# 2. builds consumer/ (imports rnn4j-bom, depends on rnn4j-platform, gson and jhdf, no versions) with
#    -Djavacpp.platform=linux-x86_64, checks that gson and jhdf came at the root pom's versions, and runs its
#    Main: one LSTM forward on the default backend, checked against the reference backend, and the same weights
#    read back through the PyTorch importer (gson).
# 3. asserts from dependency:list that no other platform's natives were resolved, and from dependency:tree
#    (poms only, no native jars downloaded) that the same poms without -Djavacpp.platform bring every
#    platform's natives, for rnn4j-platform and rnn4j-platform-gpu, and never the CUDA -redist jars.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fresh=false
expected=${RNN4J_EXPECTED_BACKEND:-${RNN4J_BACKEND:-onednn}}
for arg in "$@"; do
  case "$arg" in
    --fresh) fresh=true ;;
    -*) echo "usage: $0 [EXPECTED_BACKEND] [--fresh]" >&2; exit 64 ;;
    *) expected=$arg ;;
  esac
done

# What the poms must deliver; keep in step with platform/pom.xml and platform-gpu/pom.xml.
platform=linux-x86_64
cpu_platforms="linux-x86_64 linux-arm64 macosx-x86_64 macosx-arm64 windows-x86_64"
cuda_platforms="linux-x86_64 linux-arm64 windows-x86_64"

work=$here/target
repo=$work/m2
settings=$work/settings.xml
start=$(date +%s)

step() { echo "== consumer-check [$(( $(date +%s) - start ))s]: $*"; }
fail() { echo "consumer-check: FAIL: $*" >&2; exit 1; }

root_prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$root/pom.xml" | head -1; }
version=$(grep -m1 -A1 '<artifactId>rnn4j-parent</artifactId>' "$root/pom.xml" | sed -n 's:.*<version>\(.*\)</version>.*:\1:p')
dependency_plugin=$(root_prop dependency-plugin.version)
[ -n "$version" ] && [ -n "$dependency_plugin" ] || fail "could not read the project version or dependency-plugin.version from $root/pom.xml"
bom_version=$(grep -m1 '<version>' "$root/platform-profiles/bom/pom.xml" | sed -n 's:.*<version>\(.*\)</version>.*:\1:p')
[ "$bom_version" = "$version" ] || fail "rnn4j-bom version $bom_version differs from the project version $version"

if $fresh; then rm -rf "$repo"; fi
rm -rf "$repo/org/rnn4j"   # never test against a stale install
mkdir -p "$work"

# Settings: ~/.m2/repository (when it exists) as a release-only file:// repository before Central. A user
# settings file, if any, becomes the global one so its mirrors and proxies still apply.
home_repo=$HOME/.m2/repository
{
  echo '<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">'
  if [ -d "$home_repo" ]; then
    policy='<releases><enabled>true</enabled><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>'
    echo "  <profiles><profile><id>warm-home-repository</id>"
    echo "    <repositories><repository><id>home-m2</id><url>file://$home_repo</url>$policy</repository></repositories>"
    echo "    <pluginRepositories><pluginRepository><id>home-m2</id><url>file://$home_repo</url>$policy</pluginRepository></pluginRepositories>"
    echo "  </profile></profiles>"
    echo "  <activeProfiles><activeProfile>warm-home-repository</activeProfile></activeProfiles>"
  fi
  echo '</settings>'
} > "$settings"
mvn_args=(-B -q -ntp -Dstyle.color=never -s "$settings" "-Dmaven.repo.local=$repo")
if [ -f "$HOME/.m2/settings.xml" ]; then mvn_args+=(-gs "$HOME/.m2/settings.xml"); fi
# Maven 3.8 prints stray colour resets with -q even in batch mode; strip them (pipefail keeps mvn's status).
mvn() { command mvn "$@" 2>&1 | sed -e $'s/\x1b\\[[0-9;]*m//g'; }
dep="org.apache.maven.plugins:maven-dependency-plugin:$dependency_plugin"

# Build from a copy of the checkout's sources (tracked and untracked, not ignored): no stale target/ output can
# leak into what is installed, and the checkout's own target/ directories (test reports) are left alone.
src=$work/src
rm -rf "$src" && mkdir -p "$src"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$root" && git ls-files -z --cached --others --exclude-standard | grep -zv '^platform-profiles/consumer-check/' \
     | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$src"
else
  (cd "$root" && tar --exclude=./.git --exclude='*/target' --exclude=./platform-profiles/consumer-check -cf - .) | tar -xf - -C "$src"
fi

step "installing rnn4j $version (fresh copy, tests skipped) into $repo"
(cd "$src" && mvn "${mvn_args[@]}" -Djavacpp.platform=$platform -DskipTests \
    -pl platform-profiles/bom,platform-profiles/platform,platform-profiles/platform-gpu -am install) \
  || fail "mvn install of rnn4j into the scratch repository failed"

# The consumer has its own .mvn/, so the checkout's .mvn/maven.config (-Djavacpp.platform.host) does not apply.
consumer=(mvn "${mvn_args[@]}" -f "$here/consumer/pom.xml" "-Drnn4j.version=$version"
  "-Dcompiler-plugin.version=$(root_prop compiler-plugin.version)"
  "-Dresources-plugin.version=$(root_prop resources-plugin.version)")

step "building the consumer with -Djavacpp.platform=$platform"
rm -f "$work/list.txt" "$work/classpath.txt"
"${consumer[@]}" -Djavacpp.platform=$platform clean compile \
    "$dep:list" "-DoutputFile=$work/list.txt" \
    "$dep:build-classpath" "-Dmdep.outputFile=$work/classpath.txt" \
  || fail "the consumer project did not build against the installed rnn4j-bom / rnn4j-platform"

# org.bytedeco coordinates group:artifact:type[:classifier]:version:scope -> "artifact classifier" (or "artifact -")
natives() { grep -o 'org\.bytedeco:[^ ]*' "$1" | awk -F: 'NF == 6 { print $2, $4 } NF == 5 { print $2, "-" }' | sort -u; }
# require FILE ARTIFACT PLATFORMS...: each platform's classifier of ARTIFACT is among FILE's natives.
require() {
  local file=$1 artifact=$2; shift 2
  for p in "$@"; do
    natives "$file" | grep -qx "$artifact $p" || fail "$artifact:$p missing from $(basename "$file"); got: $(natives "$file" | tr '\n' ' ')"
  done
}
# only FILE PLATFORM: no org.bytedeco classifier other than PLATFORM.
only() {
  local stray
  stray=$(natives "$1" | awk -v p="$2" '$2 != "-" && $2 != p')
  [ -z "$stray" ] || fail "$(basename "$1"): natives of other platforms resolved with -Djavacpp.platform=$2: $(echo "$stray" | tr '\n' ' ')"
}

step "checking the resolved natives: $platform only"
require "$work/list.txt" javacpp $platform
require "$work/list.txt" opencl $platform
require "$work/list.txt" dnnl $platform
only "$work/list.txt" $platform

step "checking the importers' optional libraries: versions from rnn4j-bom, as pinned in the root pom"
for lib in com.google.code.gson:gson:gson.version io.jhdf:jhdf:jhdf.version; do
  coords=${lib%:*}; want=$(root_prop "${lib##*:}")
  grep -q "$coords:jar:$want:compile" "$work/list.txt" \
    || fail "$coords resolved as $(grep -o "$coords:[^ ]*" "$work/list.txt" | head -1), expected version $want from rnn4j-bom"
done

step "running the consumer (expecting backend '$expected')"
run_log=$work/run.log
java -cp "$here/consumer/target/classes:$(cat "$work/classpath.txt")" example.consumer.Main 2>&1 | tee "$run_log" \
  || fail "the consumer's LSTM forward failed (output above)"
chosen=$(sed -n 's/^backend=//p' "$run_log")
[ "$chosen" = "$expected" ] || fail "Backends.select() chose '$chosen', expected '$expected'"

step "checking rnn4j-platform-gpu with -Djavacpp.platform=$platform (dependency:tree, poms only)"
"${consumer[@]}" -Pgpu -Djavacpp.platform=$platform "$dep:tree" "-DoutputFile=$work/tree-gpu-$platform.txt" \
  || fail "dependency:tree of the GPU consumer failed"
require "$work/tree-gpu-$platform.txt" cuda $platform
require "$work/tree-gpu-$platform.txt" dnnl $platform
only "$work/tree-gpu-$platform.txt" $platform

step "checking that without -Djavacpp.platform every platform comes (dependency:tree, poms only)"
"${consumer[@]}" "$dep:tree" "-DoutputFile=$work/tree-all.txt" \
  || fail "dependency:tree of the consumer without javacpp.platform failed"
"${consumer[@]}" -Pgpu "$dep:tree" "-DoutputFile=$work/tree-gpu-all.txt" \
  || fail "dependency:tree of the GPU consumer without javacpp.platform failed"
for tree in "$work/tree-all.txt" "$work/tree-gpu-all.txt"; do
  for artifact in javacpp opencl dnnl; do
    # shellcheck disable=SC2086
    require "$tree" $artifact $cpu_platforms
  done
done
# shellcheck disable=SC2086
require "$work/tree-gpu-all.txt" cuda $cuda_platforms
natives "$work/tree-all.txt" | grep -q '^cuda ' && fail "rnn4j-platform pulled cuda natives"
cat "$work/tree-all.txt" "$work/tree-gpu-all.txt" | grep -q -- '-redist' && fail "a CUDA -redist jar is pulled by default"

step "PASS in $(( $(date +%s) - start ))s: rnn4j-bom + rnn4j-platform resolve ${platform} only on request, every platform by default; backend '$chosen'"
