#!/usr/bin/env bash
# Triage benchmark (issue 14): the same hub watch session (bench/watch.sh: N signature edits of textwrap.dedent,
# save -> updated page, decisions read from the update trace) with the triage off, against a STAND-IN model
# endpoint (bench/standin_model.py: approves the first 2 offered updates; no model runs), and with the tiny
# random-weight gemma3 + LoRA in the embedded llama.cpp engine (when python3 has gguf and numpy); then
# `hub triage eval` on the recorded session replays its changes through each triage next to the deterministic one.
#   bench/triage.sh [EDITS]   (default 60)
set -euo pipefail
HUB_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$HUB_HOME"
EDITS="${1:-60}"
WORK=$(mktemp -d)
STANDIN_PID=
trap '[ -n "$STANDIN_PID" ] && kill "$STANDIN_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
./hub --version >/dev/null 2>&1   # builds the jar and its AOT cache if needed

printf 'engine: off\n' > "$WORK/off.yaml"; mkdir -p "$WORK/off"; mv "$WORK/off.yaml" "$WORK/off/agent.yaml"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 bench/standin_model.py "$PORT" 2 > "$WORK/standin.out" 2>&1 &
STANDIN_PID=$!
for _ in $(seq 50); do grep -q ready "$WORK/standin.out" 2>/dev/null && break; sleep 0.1; done
mkdir -p "$WORK/standin"
cp triage/prompt.md "$WORK/standin/"
cat > "$WORK/standin/agent.yaml" <<YAML
engine: http
model: stand-in
endpoint:
  base_url: http://127.0.0.1:$PORT/v1
timeout_ms: 1500
prompt: prompt.md
YAML

MODES="standin"
if python3 -c 'import gguf, numpy' 2>/dev/null; then
  mkdir -p "$WORK/embedded"
  cp triage/prompt.md "$WORK/embedded/"
  made=$(python3 src/test/resources/triage/make_tiny_gemma.py "$WORK/embedded" --context 4096)
  cat > "$WORK/embedded/agent.yaml" <<YAML
engine: embedded
model: tiny-gemma3
adapter: tiny-lora
embedded:
  model: $(echo "$made" | sed -n 1p)
  lora: $(echo "$made" | sed -n 2p)
timeout_ms: 5000
prompt: prompt.md
YAML
  MODES="$MODES embedded"
else
  echo "triage bench: python3 has no gguf/numpy (pip install gguf numpy): the embedded model is not measured" >&2
fi

MODES="$MODES off"   # off last: the first session also warms the JIT and the page cache
KEPT=
for mode in $MODES; do
  echo "== triage: $mode"
  out=$(HUB_MAIN=dev.nodestate.hub.bench.WatchBenchmark ./hub --edits "$EDITS" --burst 0 --triage "$WORK/$mode" --keep 2>"$WORK/$mode.err")
  echo "$out" | grep -E "save -> updated page|inside the pipeline|triage decisions"
  repo=$(echo "$out" | sed -n 's/^kept the repository and its traces: \([^ ]*\) .*/\1/p')
  if [ "$mode" = off ]; then KEPT=$repo; elif [ -n "$repo" ]; then rm -rf "$repo"; fi
done

echo "== hub triage eval on the recorded session of the 'off' run ($EDITS edits)"
for mode in $MODES; do
  [ "$mode" = off ] && continue
  ./hub triage eval --repo "$KEPT" --triage "$WORK/$mode" 2>&1
done
rm -rf "$KEPT"
