#!/usr/bin/env bash
# Hostile-tool soak (issue 16, acceptance 2): a real `hub watch`, then runs mixing the escape and limit cases through
# the socket's run_tool and as one-shot commands, with `health` pinged throughout; prints one-shot exit times against
# their limits, health p50/p99/max, idle CPU per thread afterwards and the worker processes left after `hub stop`.
#   bench/soak.sh [--runs 200] [--one-shot 20]
set -euo pipefail
HUB_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$HUB_HOME"
HUB_MAIN=dev.nodestate.hub.bench.SoakBenchmark exec ./hub "$@"
