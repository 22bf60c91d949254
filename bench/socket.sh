#!/usr/bin/env bash
# Socket benchmark: 16 concurrent clients send 50,000 get_context requests for one node on kept
# NDJSON connections to an in-process HubServer on a temp store; prints p50/p90/p99 round trips.
#   bench/socket.sh [--clients N] [--requests N]
set -euo pipefail
HUB_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$HUB_HOME"
HUB_MAIN=dev.nodestate.hub.bench.SocketBenchmark exec ./hub "$@"
