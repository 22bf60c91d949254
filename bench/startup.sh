#!/usr/bin/env bash
# Start-up benchmark (issue 13): the cold one-shot paths a person types, timed in one run with their baselines.
#   bench/startup.sh [RUNS]      (default 5; medians)
#   bench/startup.sh --breakdown (GraalPy's own start-up phase by phase, in a JVM on the hub's AOT cache)
# Prints, each as a median of RUNS wall times: ./hub --version; a trivial tool (`x + 1`) through ./hub tools run,
# with the AOT cache and without it (HUB_AOT=0); then, with a hub running for a small repository, ./hub status and
# the same tool run through the running hub (run_tool over the socket); and the ratios the issue sets targets for.
set -euo pipefail
HUB_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$HUB_HOME"
if [ "${1:-}" = --breakdown ]; then
  ./hub --version >/dev/null 2>&1   # builds the jar and its AOT cache if needed
  JDK=$(./hub --jdk)
  AOT=$(ls -t target/aot/hub-g1-*.aot 2>/dev/null | head -1)   # the one-shot (G1) cache
  exec "$JDK/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xss16m \
    -Dpolyglot.engine.WarnInterpreterOnly=false ${AOT:+-XX:AOTCache="$AOT"} -cp target/hub.jar \
    dev.nodestate.hub.bench.GraalPyStartup
fi
RUNS="${1:-5}"
WORK=$(mktemp -d)
trap './hub stop "$WORK/repo" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/repo" "$WORK/tools"
cp tools/*.pym "$WORK/tools/"
printf '"""A trivial tool."""\nx: int = 1\nx + 1\n' > "$WORK/tools/trivial.pym"
printf 'def f(a):\n    return a + 1\n' > "$WORK/repo/a.py"
./hub --version >/dev/null 2>&1   # builds the jar and the AOT cache if needed: not timed

median() { # median wall seconds of RUNS runs of "$@"
  local i t times=()
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/env time -f %e -o "$WORK/time" "$@" >/dev/null 2>&1 || true
    times+=("$(tail -1 "$WORK/time")")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

version=$(median ./hub --version)
tool_aot=$(median ./hub tools --tools "$WORK/tools" run --in-process trivial "$WORK/repo")
tool_plain=$(HUB_AOT=0 median ./hub tools --tools "$WORK/tools" run --in-process trivial "$WORK/repo")
./hub watch --tools "$WORK/tools" "$WORK/repo" >"$WORK/watch.log" 2>&1 &
for _ in $(seq 1 600); do ./hub status "$WORK/repo" >/dev/null 2>&1 && break; sleep 0.2; done
status=$(median ./hub status "$WORK/repo")
tool_hub=$(median ./hub tools --tools "$WORK/tools" run trivial "$WORK/repo")
where=$(./hub tools --tools "$WORK/tools" run --json trivial "$WORK/repo" 2>/dev/null | sed -n 's/.*"ran_in" : "\([a-z]*\)".*/\1/p')

echo "start-up, median of $RUNS runs each (JDK $("$(./hub --jdk)/bin/java" -version 2>&1 | head -1 | cut -d'"' -f2), $(nproc) cpus)"
echo "  ./hub --version                                  ${version} s"
echo "  trivial tool, in-process, with the AOT cache     ${tool_aot} s"
echo "  trivial tool, in-process, HUB_AOT=0              ${tool_plain} s"
echo "  ./hub status (a hub running)                     ${status} s"
echo "  trivial tool with a hub running (ran in: ${where:-?})  ${tool_hub} s"
awk -v v="$version" -v a="$tool_aot" -v p="$tool_plain" -v s="$status" -v h="$tool_hub" 'BEGIN {
  printf "  cold trivial tool / --version: %.1f (target <= 5); without the AOT cache %.1f\n", a / v, p / v
  printf "  tool run through the hub / hub status: %.2f (target <= 2)\n", h / s }'
