#!/usr/bin/env bash
# Indexing benchmark: runs dev.nodestate.hub.bench.IndexBenchmark with the launcher's JVM flags.
#   bench/index.sh [--json] [--only python|java] [--fresh-runs N] ...   (--help lists the options)
#   HUB_JIT=1 bench/index.sh      the same, with the optimizing runtime (default: interpreted, as ./hub)
# Indexes the python3 standard library (tests, IDLE and turtle demos left out) and commons-lang3's
# sources (unpacked into target/reference/ by Maven) from temporary copies, with the CPython baseline
# for the Python tree. Takes several minutes; numbers are noisy on shared machines.
set -euo pipefail

HUB_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$HUB_HOME"

JDK=$(./hub --jdk) || { echo "index: no JDK 25 found (see ./hub --jdk)" >&2; exit 5; }
[ -n "$JDK" ] || { echo "index: no JDK 25 found" >&2; exit 5; }
./hub --version >/dev/null   # builds target/hub.jar when missing or out of date
if [ ! -d "$HUB_HOME/target/reference/commons-lang3" ]; then
  echo "index: fetching commons-lang3 sources into target/reference/ (mvn generate-test-resources)..." >&2
  JAVA_HOME="$JDK" mvn -q -B generate-test-resources >&2
fi

# The launcher's flags (keep in step with ./hub).
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/node-state-hub/graalpy"
FLAGS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xss16m
       -Dhub.home="$HUB_HOME" -Dpolyglot.engine.userResourceCache="$CACHE")
JIT_JARS=$(ls "$HUB_HOME"/target/jit/*.jar 2>/dev/null | tr '\n' ':' | sed 's/:$//')
if [ "${HUB_JIT:-0}" != 0 ] && [ -n "$JIT_JARS" ]; then
  FLAGS+=(-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path="$JIT_JARS")
else
  FLAGS+=(-Dpolyglot.engine.WarnInterpreterOnly=false)
fi
# shellcheck disable=SC2086
exec "$JDK/bin/java" "${FLAGS[@]}" ${HUB_JAVA_OPTS:-} -cp "$HUB_HOME/target/hub.jar:$HUB_HOME/target/lib/*" \
  dev.nodestate.hub.bench.IndexBenchmark "$@"
