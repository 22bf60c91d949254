"""Reference for PythonReferenceTest, run by CPython: reads JSON {"root": dir, "files": [...],
"tool": {file: [nodes]}} from the file named by its argument and prints a JSON agreement report.

Independently of the .pym extractor it walks each file with CPython's ast, naming
definitions by their scope (Class.method, outer.inner; '#n' for a repeated name in a
scope; definitions under if/try/with/for/while/match belong to the enclosing scope),
and compares kind, first line (first decorator), last line and signature. Signatures are
compared canonically: both sides are re-parsed as `<sig>: ...` and unparsed by CPython.
"""
import ast
import json
import os
import sys


def canonical(signature):
    try:
        tree = ast.parse(signature + ": ...")
        node = tree.body[0]
        node.body = [ast.Expr(ast.Constant(...))]
        node.decorator_list = []
        return ast.unparse(node).split("\n")[0]
    except SyntaxError:
        return "<unparseable> " + signature


def reference(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    out = {}
    taken = {}

    def name_for(q):
        taken[q] = taken.get(q, 0) + 1
        return q if taken[q] == 1 else q + "#" + str(taken[q])

    def walk(body, prefix, in_class):
        for s in body:
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                q = name_for(prefix + s.name)
                start = min([d.lineno for d in s.decorator_list] + [s.lineno])
                if isinstance(s, ast.ClassDef):
                    kind = "class"
                    head = ast.ClassDef(s.name, s.bases, s.keywords, [ast.Pass()], [])
                    sig = ast.unparse(head).split("\n")[0].rstrip(":")
                else:
                    kind = "method" if in_class else "function"
                    head = type(s)(s.name, s.args, [ast.Pass()], [], s.returns, None)
                    sig = ast.unparse(ast.fix_missing_locations(head)).split("\n")[0].rstrip(":")
                out[q] = {"kind": kind, "start": start, "end": s.end_lineno, "sig": canonical(sig)}
                walk(s.body, q + ".", isinstance(s, ast.ClassDef))
            else:
                for field in ("body", "orelse", "finalbody"):
                    if isinstance(s, (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)) \
                            or type(s).__name__ == "TryStar":
                        walk(getattr(s, field, []), prefix, in_class)
                for h in getattr(s, "handlers", []) if not isinstance(s, ast.Match) else []:
                    walk(h.body, prefix, in_class)
                if isinstance(s, ast.Match):
                    for c in s.cases:
                        walk(c.body, prefix, in_class)

    walk(tree.body, "", False)
    return out


request = json.load(open(sys.argv[1], encoding="utf-8"))
report = {"nodes": 0, "names": 0, "kinds": 0, "lines": 0, "signatures": 0, "missing": [], "extra": [], "mismatches": []}
for f in request["files"]:
    ref = reference(os.path.join(request["root"], f))
    got = {n["name"]: n for n in request["tool"][f] if n["kind"] != "module"}
    report["nodes"] += len(ref)
    report["missing"] += [f + "::" + q for q in ref if q not in got][:20]
    report["extra"] += [f + "::" + q for q in got if q not in ref][:20]
    for q, r in ref.items():
        g = got.get(q)
        if g is None:
            continue
        report["names"] += 1
        report["kinds"] += r["kind"] == g["kind"]
        report["lines"] += (r["start"], r["end"]) == (g["start_line"], g["end_line"])
        ok = r["sig"] == canonical(g["signature"])
        report["signatures"] += ok
        if not ok or r["kind"] != g["kind"] or (r["start"], r["end"]) != (g["start_line"], g["end_line"]):
            if len(report["mismatches"]) < 20:
                report["mismatches"].append({"node": f + "::" + q, "reference": r, "tool": {
                    "kind": g["kind"], "start": g["start_line"], "end": g["end_line"], "sig": canonical(g["signature"])}})
print(json.dumps(report))
