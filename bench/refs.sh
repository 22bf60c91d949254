#!/usr/bin/env bash
# Cross-file analysis benchmark: runs dev.nodestate.hub.bench.CrossFileBenchmark with the launcher's JVM flags.
#   bench/refs.sh [--json] [--only python|java] [--edits N] [--lanes N] [--python-src DIR] [--java-src DIR]
# Indexes the python3 standard library (tests, IDLE and turtle demos left out) and commons-lang3's
# sources (unpacked into target/reference/ by Maven) from temporary copies, runs the cold cross-file
# analysis, then measures single-file changes against it. Takes several minutes; numbers are noisy.
set -euo pipefail

HUB_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$HUB_HOME"

if [ ! -d "$HUB_HOME/target/reference/commons-lang3" ]; then
  echo "index: fetching commons-lang3 sources into target/reference/ (mvn generate-test-resources)..." >&2
  JAVA_HOME="$(./hub --jdk)" mvn -q -B generate-test-resources >&2
fi
HUB_MAIN=dev.nodestate.hub.bench.CrossFileBenchmark exec ./hub "$@"   # the launcher builds the jar if needed and sets the JVM flags
