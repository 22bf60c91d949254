#!/usr/bin/env bash
# Tool-host benchmark: runs dev.nodestate.hub.bench.ToolHostBenchmark with the launcher's JVM flags.
#   bench/tool-host.sh [--json] [--lanes N] [--trivial-calls N] ...   (--help lists the options)
#   HUB_JIT=1 bench/tool-host.sh      the same, with the optimizing runtime
# Numbers are noisy on shared machines: run it a few times and compare medians.
set -euo pipefail

HUB_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$HUB_HOME"

HUB_MAIN=dev.nodestate.hub.bench.ToolHostBenchmark exec ./hub "$@"   # the launcher builds the jar if needed and sets the JVM flags
