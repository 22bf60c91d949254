# CPython side of ToolHostBenchmark: runs a .pym tool's own code in plain CPython, with a
# stand-in `grail` module (Input from argv, @external read_file reading the repository file
# directly), exactly as the hub's guest runs it: module body executed in a fresh scope per call,
# then main() driven to completion. Prints one JSON line with the timings and the last result.
#   python3 cpython_extract.py TOOL.pym REPO FILE_PATH WARMUP ITERATIONS
import json
import os
import statistics
import sys
import time
import types

tool_path, repo, file_path, warmup, iterations = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])

grail = types.ModuleType("grail")


class ExternalError(Exception):
    pass


def Input(name, default=None):
    if name == "file_path":
        return file_path
    return default


def external(fn):
    if fn.__name__ != "read_file":
        raise ExternalError(f"external '{fn.__name__}' is not provided")

    async def read_file(path):
        with open(os.path.join(repo, path), encoding="utf-8") as f:
            return f.read()
    return read_file


grail.Input, grail.external, grail.ExternalError = Input, external, ExternalError
sys.modules["grail"] = grail

with open(tool_path, encoding="utf-8") as f:
    code = compile(f.read(), tool_path, "exec")


def drive(value):
    if not isinstance(value, types.CoroutineType):
        return value
    try:
        value.send(None)
        raise RuntimeError("a tool may only await its externals")
    except StopIteration as stop:
        return stop.value


def run_once():
    scope = {"__name__": "__pym__", "__file__": tool_path}
    exec(code, scope)
    return json.dumps(drive(scope["main"]()), ensure_ascii=False)


result = None
for _ in range(warmup):
    result = run_once()
times = []
for _ in range(iterations):
    t = time.perf_counter()
    result = run_once()
    times.append(time.perf_counter() - t)
if not times:
    result = run_once()
print(json.dumps({
    "python": sys.version.split()[0],
    "iterations": len(times),
    "median_ms": statistics.median(times) * 1e3 if times else None,
    "min_ms": min(times) * 1e3 if times else None,
    "result": json.loads(result),
}))
