# CPython side of IndexBenchmark: runs the `ast` versions of the hub's Python tools (extract_signatures,
# compute_complexity and find_callees as they were before the host outline, kept in ast_tools/) in plain CPython over
# every file of a tree, in one process, batch by batch as the indexer calls them: a stand-in
# `grail` module (Input from the batch, @external read_file reading the file directly), the tool's
# module body executed in a fresh scope per call, main() driven to completion, the result dumped to
# JSON as the hub's guest does. Prints one JSON line with the timings and counts.
#   python3 cpython_index.py TOOLS_DIR REPO FILE_LIST.json BATCH
# With `--results OUT.json TOOL...` it runs the named ast tools instead and writes their results, batch by batch
# ({tool: [result per batch]}), for the tests that hold the outline tools to the ast ones.
import json
import os
import sys
import time
import types

tools_dir, repo, list_file, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
results_file, result_tools = None, []
if len(sys.argv) > 6 and sys.argv[5] == "--results":
    results_file, result_tools = sys.argv[6], sys.argv[7:]
with open(list_file, encoding="utf-8") as f:
    files = json.load(f)

grail = types.ModuleType("grail")
inputs = {}


class ExternalError(Exception):
    pass


def Input(name, default=None):
    return inputs.get(name, default)


def external(fn):
    if fn.__name__ != "read_file":
        async def refused(*args):
            raise ExternalError(f"external '{fn.__name__}' is not provided here")
        return refused

    async def read_file(path):
        with open(os.path.join(repo, path), encoding="utf-8") as f:
            return f.read()
    return read_file


grail.Input, grail.external, grail.ExternalError = Input, external, ExternalError
sys.modules["grail"] = grail

codes = {}
for name in result_tools or ("extract_signatures", "compute_complexity", "find_callees"):
    path = os.path.join(tools_dir, name + ".pym")
    with open(path, encoding="utf-8") as f:
        codes[name] = compile(f.read(), path, "exec")


def drive(value):
    if not isinstance(value, types.CoroutineType):
        return value
    try:
        value.send(None)
        raise RuntimeError("a tool may only await its externals")
    except StopIteration as stop:
        return stop.value


def run(name, paths):
    inputs["file_paths"] = paths
    scope = {"__name__": "__pym__", "__file__": name + ".pym"}
    exec(codes[name], scope)
    return json.loads(json.dumps(drive(scope["main"]()), ensure_ascii=False))


def peak_rss_mb():
    """VmHWM of this process (getrusage's ru_maxrss would include the JVM that forked it)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return -1


if results_file:
    results = {name: [run(name, files[i:i + batch]) for i in range(0, len(files), batch)] for name in result_tools}
    with open(results_file, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False)
    sys.exit(0)

wall = {"extract_signatures": 0.0, "compute_complexity": 0.0, "find_callees": 0.0}
nodes = 0
errors = []
cpu0 = time.process_time()
t0 = time.perf_counter()
for i in range(0, len(files), batch):
    paths = files[i:i + batch]
    t = time.perf_counter()
    extracted = run("extract_signatures", paths)
    wall["extract_signatures"] += time.perf_counter() - t
    t = time.perf_counter()
    run("compute_complexity", paths)
    wall["compute_complexity"] += time.perf_counter() - t
    t = time.perf_counter()
    run("find_callees", paths)
    wall["find_callees"] += time.perf_counter() - t
    for f in extracted:
        if f.get("error"):
            errors.append(f["file_path"] + ": " + f["error"]["message"])
        else:
            nodes += len(f["nodes"])
total = time.perf_counter() - t0
print(json.dumps({
    "python": sys.version.split()[0],
    "files": len(files),
    "nodes": nodes,
    "errors": errors[:10],
    "error_count": len(errors),
    "extract_s": wall["extract_signatures"],
    "complexity_s": wall["compute_complexity"],
    "callees_s": wall["find_callees"],
    "total_s": wall["extract_signatures"] + wall["compute_complexity"],
    "whole_s": total,
    "cpu_s": time.process_time() - cpu0,
    "peak_rss_mb": peak_rss_mb(),
}))
