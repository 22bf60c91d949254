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

if [ ! -d "$HUB_HOME/target/reference/commons-lang3" ]; then
  echo "index: fetching commons-lang3 sources into target/reference/ (mvn generate-test-resources)..." >&2
  JAVA_HOME="$(./hub --jdk)" mvn -q -B generate-test-resources >&2
fi
HUB_MAIN=dev.nodestate.hub.bench.IndexBenchmark exec ./hub "$@"   # the launcher builds the jar if needed and sets the JVM flags
