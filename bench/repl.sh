#!/usr/bin/env bash
# REPL query latency: runs dev.nodestate.hub.bench.ReplBenchmark with the launcher's JVM flags.
#   bench/repl.sh [--queries N] [--repo INDEXED_DIR] [--keep]
# Copies the python3 standard library (as bench/index.sh does) to a temp dir and indexes it (a minute or
# two), then times show, callers and find through the REPL's commands: over the socket of an in-process
# hub, on the store read-only while that hub holds it, and on the store read-write. Prints p50/p95/max.
# --keep keeps the indexed copy; --repo DIR reuses one.
set -euo pipefail
HUB_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$HUB_HOME"
HUB_MAIN=dev.nodestate.hub.bench.ReplBenchmark exec ./hub "$@"
