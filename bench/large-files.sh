#!/usr/bin/env bash
# Large Python files (issue 16.16): what one generated file of 0.5, 1, 2 and 5 MB costs `hub index --once` with the
# current parser (GraalPy's parser in the host, then the tools), against a two-line file in the same run.
#   bench/large-files.sh [LIMIT_SECONDS]   (default 150: a run still going then is stopped and reported as such)
# Prints per size: wall time, peak RSS (/usr/bin/time), the index and cross-file analysis times from the --json
# summary, and the ratio of wall time and RSS to the two-line baseline. The files are classes and functions with
# branches, loops and calls (about 190 bytes a node), written by a generator below.
set -euo pipefail
HUB_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$HUB_HOME"
LIMIT="${1:-150}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
./hub --version >/dev/null 2>&1   # builds the jar if needed: not timed

generate() { # generate MB FILE
  python3 - "$1" > "$2" <<'PY'
import sys
target = int(float(sys.argv[1]) * 1024 * 1024)
out = ["import os\nimport json\nfrom typing import Optional\n\n"]
size, i = len(out[0]), 0
while size < target:
    chunk = f'''
class Worker{i}:
    """Worker number {i}: keeps a count and formats it."""

    def __init__(self, name: str, limit: int = 10) -> None:
        self.name = name
        self.limit = limit
        self.count = 0

    def step(self, value: int) -> Optional[int]:
        """Adds value unless over the limit."""
        if value > self.limit:
            return None
        for k in range(value):
            self.count += k if k % 2 else -k
        return self.count


def helper_{i}(items: list, key: str = "x") -> dict:
    result = {{}}
    for item in items:
        if key in item:
            result[item[key]] = json.dumps(item)
        elif os.path.exists(str(item)):
            result[str(item)] = Worker{i}(str(item)).step(len(result))
    return result
'''
    out.append(chunk)
    size += len(chunk)
    i += 1
sys.stdout.write("".join(out))
PY
}

echo "hub index --once on one generated Python file, limit ${LIMIT} s per run ($(nproc) cpus, load $(cut -d' ' -f1 /proc/loadavg))"
printf '  %-8s %10s %8s %10s %10s %10s %9s %9s\n' size bytes wall "peak RSS" index refs+tests nodes "x base"
base_wall=""; base_rss=""
for size in base 0.5 1 2 5; do
  repo="$WORK/repo-$size"; mkdir -p "$repo"
  if [ "$size" = base ]; then printf 'def f(a):\n    return a + 1\n' > "$repo/m.py"; else generate "$size" "$repo/m.py"; fi
  bytes=$(stat -c %s "$repo/m.py")
  rc=0
  /usr/bin/env time -f '%e %M' -o "$WORK/time" timeout "$LIMIT" ./hub index --once --json --max-file-size "$bytes" "$repo" \
    > "$WORK/out.json" 2> "$WORK/err.txt" || rc=$?
  read -r wall rss < <(tail -1 "$WORK/time")
  if [ "$rc" = 124 ]; then
    idx="-"; refs="-"; nodes="-"; wall="${LIMIT}+ (stopped)"
  else
    idx=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.1f s" % (d["elapsed_ms"]/1000))' "$WORK/out.json" 2>/dev/null || echo "rc $rc")
    refs=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])).get("references") or {}; print("%.1f s" % ((r.get("references_ms",0)+r.get("tests_ms",0))/1000))' "$WORK/out.json" 2>/dev/null || echo "-")
    nodes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nodes"])' "$WORK/out.json" 2>/dev/null || echo "-")
  fi
  if [ "$size" = base ]; then base_wall=${wall%% *}; base_rss=$rss; ratio="1.0/1.0"
  else ratio=$(awk -v w="${wall%% *}" -v r="$rss" -v bw="$base_wall" -v br="$base_rss" 'BEGIN {printf "%.1f/%.1f", w/bw, r/br}'); fi
  printf '  %-8s %10s %8s %8d MB %10s %10s %9s %9s\n' "$size" "$bytes" "${wall%% *}$([ "$rc" = 124 ] && echo '+')" $((rss / 1024)) "$idx" "$refs" "$nodes" "$ratio"
done
echo "  (x base: wall time / peak RSS against the two-line file; + = stopped at the limit, still running)"
