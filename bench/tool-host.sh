#!/usr/bin/env bash
# Tool-host benchmark: runs dev.nodestate.hub.bench.ToolHostBenchmark with the launcher's JVM flags.
#   bench/tool-host.sh [--json] [--lanes N] [--trivial-calls N] ...   (--help lists the options)
#   HUB_JIT=1 bench/tool-host.sh      the same, with the optimizing runtime
# Numbers are noisy on shared machines: run it a few times and compare medians.
set -euo pipefail

HUB_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$HUB_HOME"

JDK=$(./hub --jdk) || { echo "tool-host: no JDK 25 found (see ./hub --jdk)" >&2; exit 5; }
[ -n "$JDK" ] || { echo "tool-host: no JDK 25 found" >&2; exit 5; }
./hub --version >/dev/null   # builds target/hub.jar when missing or out of date

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
  dev.nodestate.hub.bench.ToolHostBenchmark "$@"
