#!/usr/bin/env bash
# Watch-mode benchmark: save -> updated page latency over 100 edits of a ~500-line file, a 2,000-file
# burst, and the CPython re-extraction time of the same file as the baseline.
#   bench/watch.sh [--edits N] [--burst N] [--quiet-ms MS]      HUB_JIT=1 for the optimizing runtime
set -euo pipefail
HUB_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$HUB_HOME"
HUB_MAIN=dev.nodestate.hub.bench.WatchBenchmark exec ./hub "$@"
