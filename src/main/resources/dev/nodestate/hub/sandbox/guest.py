# Guest side of the .pym tool host. Loaded once into every pooled GraalPy context by
# dev.nodestate.hub.sandbox.Lane; the host calls `pym_check` and `pym_run` defined below.
# Everything a tool can reach goes through `_safe_builtins` and the per-run `grail` module.
import ast
import builtins as _builtins
import _json
from marshal import loads as _marshal_loads
import sys
import types



class json:
    """The guest's own JSON codec, on the `_json` accelerator alone. Importing the `json` package costs a
    one-shot tool run ~0.8 s of its ~2.8 s (it imports re, which imports enum: bench/startup.sh --breakdown),
    and a tool that changed json's classes for later runs on its lane could corrupt or forge what the host
    reads (check outlines, inputs, external replies, results): tools that import json get the package."""

    class _Context:
        strict = True
        object_hook = None
        object_pairs_hook = None
        parse_float = float
        parse_int = int
        memo = {}

        @staticmethod
        def parse_constant(name):
            return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}[name]

    _scan = _json.make_scanner(_Context)
    _SPACE = " \t\n\r"

    @staticmethod
    def loads(text):
        n, i = len(text), 0
        while i < n and text[i] in json._SPACE:
            i += 1
        try:
            value, end = json._scan(text, i)
        except StopIteration as e:
            raise ValueError(f"malformed JSON at character {e.value}") from None
        while end < n and text[end] in json._SPACE:
            end += 1
        if end != n:
            raise ValueError(f"extra data after the JSON value at character {end}")
        return value

    @staticmethod
    def _default(o):
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")

    @staticmethod
    def dumps(value, allow_nan=True, ensure_ascii=True, default=None):
        quote = _json.encode_basestring_ascii if ensure_ascii else _json.encode_basestring
        if isinstance(value, str):
            return quote(value)
        encode = _json.make_encoder({}, default or json._default, quote, None, ": ", ", ", False, False, allow_nan)
        return "".join(encode(value, 0))


_CFG = json.loads(_HUB_CONFIG)  # injected by the host before this module runs
_ALLOWED = frozenset(_CFG["allowed_modules"])
_DENIED_NAMES = frozenset(_CFG["denied_builtins"])
_DENIED_ATTRS = frozenset(_CFG["denied_attributes"])
_GRAIL_NAMES = frozenset(["Input", "external", "ExternalError"])



# ---------------------------------------------------------------- checker

def _finding(out, code, severity, node_or_line, message, suggestion, col=None):
    if isinstance(node_or_line, int):
        line, c = node_or_line, 0
    else:
        line, c = getattr(node_or_line, "lineno", 1), getattr(node_or_line, "col_offset", 0)
    out.append({"code": code, "severity": severity, "line": line,
                "column": (col if col is not None else c) + 1,
                "message": message, "suggestion": suggestion})


def _segment(source, node):
    if node is None:
        return None
    seg = ast.get_source_segment(source, node)
    return seg if seg is not None else ast.unparse(node)


def _is_name(node, name):
    return (isinstance(node, ast.Name) and node.id == name) or (
        isinstance(node, ast.Attribute) and node.attr == name
        and isinstance(node.value, ast.Name) and node.value.id == "grail")


def _is_input_call(node):
    return isinstance(node, ast.Call) and _is_name(node.func, "Input")


def _literal(node):
    try:
        value = ast.literal_eval(node)
        json.dumps(value)
        return True, value
    except Exception:
        return False, None


def _check_imports(tree, out):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top == "grail":
                    continue
                if top not in _ALLOWED:
                    _finding(out, "PYM002", "error", node, f"import of '{alias.name}' is not allowed",
                             _CFG["import_reasons"].get(top, "only pure standard-library modules are allowed: "
                                                        + ", ".join(sorted(_ALLOWED))))
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:
                _finding(out, "PYM002", "error", node, "relative imports are not allowed",
                         "a tool is a single file; import only allowlisted stdlib modules")
            elif mod == "grail":
                for alias in node.names:
                    if alias.name not in _GRAIL_NAMES:
                        _finding(out, "PYM002", "error", node, f"grail has no '{alias.name}'",
                                 "grail offers Input, external and ExternalError")
            elif mod.split(".")[0] not in _ALLOWED and mod != "__future__":
                _finding(out, "PYM002", "error", node, f"import from '{mod}' is not allowed",
                         _CFG["import_reasons"].get(mod.split(".")[0], "only pure standard-library modules are allowed: "
                                                    + ", ".join(sorted(_ALLOWED))))


def _check_forbidden(tree, out):
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in _DENIED_NAMES:
            _finding(out, "PYM007", "error", node, f"use of '{node.id}' is not allowed",
                     "tools get data only through Input values and @external functions")
        elif isinstance(node, ast.Attribute) and node.attr in _DENIED_ATTRS:
            _finding(out, "PYM008", "error", node, f"access to attribute '{node.attr}' is not allowed",
                     "introspection of interpreter internals is denied in tools")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "setattr", "delattr", "hasattr") and len(node.args) >= 2
              and isinstance(node.args[1], ast.Constant) and node.args[1].value in _DENIED_ATTRS):
            _finding(out, "PYM008", "error", node, f"access to attribute '{node.args[1].value}' is not allowed",
                     "introspection of interpreter internals is denied in tools")


def _params(source, fn):
    a = fn.args
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    result = []
    for arg, default in zip(positional, defaults):
        result.append({"name": arg.arg, "annotation": _segment(source, arg.annotation),
                       "has_default": default is not None,
                       "default": _literal(default)[1] if default is not None else None,
                       "line": arg.lineno})
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        result.append({"name": arg.arg, "annotation": _segment(source, arg.annotation),
                       "has_default": default is not None,
                       "default": _literal(default)[1] if default is not None else None,
                       "line": arg.lineno, "keyword_only": True})
    return result


def _check_external(source, fn, out):
    a = fn.args
    if a.vararg or a.kwarg:
        _finding(out, "PYM003", "error", fn, f"external '{fn.name}' uses *args or **kwargs",
                 "declare every parameter by name with a type annotation")
    for p in a.posonlyargs + a.args + a.kwonlyargs:
        if p.annotation is None:
            _finding(out, "PYM003", "error", p, f"parameter '{p.arg}' of external '{fn.name}' has no annotation",
                     f"annotate it, e.g. '{p.arg}: str'")
    if fn.returns is None:
        _finding(out, "PYM003", "error", fn, f"external '{fn.name}' has no return annotation",
                 "add one, e.g. '-> str' (use '-> None' when it returns nothing)")
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str) and len(body) > 1:
        body = body[1:]
    if not (len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and body[0].value.value is Ellipsis):
        _finding(out, "PYM004", "error", body[0] if body else fn,
                 f"external '{fn.name}' has a body", "the host implements externals: make the body '...'")
    return {"name": fn.name, "line": fn.lineno, "is_async": isinstance(fn, ast.AsyncFunctionDef),
            "params": _params(source, fn), "returns": _segment(source, fn.returns)}


def pym_check(source, filename):
    out = []
    outline = {"findings": out, "inputs": [], "externals": [], "has_main": False,
               "result_expr": False, "docstring": None}
    try:
        tree = ast.parse(source, filename)
        # the parser alone passes what only the compiler rejects ('return' outside a function, duplicate
        # arguments, 'nonlocal' at module level, ...): compile it as a run would, and report its error
        compile(tree, filename, "exec", dont_inherit=True)
    except SyntaxError as e:
        _finding(out, "PYM001", "error", e.lineno or 1, f"syntax error: {e.msg}",
                 "fix the syntax; the tool is skipped until it compiles", col=max(0, (e.offset or 1) - 1))
        return json.dumps(outline)
    outline["docstring"] = ast.get_docstring(tree)
    _check_imports(tree, out)
    _check_forbidden(tree, out)

    input_calls = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(_is_name(d, "external") for d in stmt.decorator_list):
                outline["externals"].append(_check_external(source, stmt, out))
            elif stmt.name == "main":
                outline["has_main"] = True
        elif isinstance(stmt, ast.AnnAssign) and _is_input_call(stmt.value):
            input_calls.add(id(stmt.value))
            var = stmt.target.id if isinstance(stmt.target, ast.Name) else None
            call = stmt.value
            name = call.args[0].value if call.args and isinstance(call.args[0], ast.Constant) else None
            if not isinstance(name, str):
                _finding(out, "PYM006", "error", call, "Input needs its name as a string literal first argument",
                         f"write Input(\"{var}\")")
            elif var != name:
                _finding(out, "PYM006", "error", call, f"Input name '{name}' differs from its variable '{var}'",
                         f"rename one so both read '{var}'")
            default = next((k.value for k in call.keywords if k.arg == "default"), None)
            has_default = default is not None
            ok, value = _literal(default) if has_default else (True, None)
            if not ok:
                _finding(out, "PYM010", "error", default, "Input default must be a JSON-like literal",
                         "use a str, int, float, bool, None, list or dict literal")
            outline["inputs"].append({"name": name if isinstance(name, str) else var, "var": var,
                                      "annotation": _segment(source, stmt.annotation), "line": stmt.lineno,
                                      "has_default": has_default, "default": value})
        elif isinstance(stmt, ast.Assign) and _is_input_call(stmt.value):
            input_calls.add(id(stmt.value))
            _finding(out, "PYM005", "error", stmt, "Input without a type annotation",
                     "declare it as 'name: str = Input(\"name\")'")
    for node in ast.walk(tree):
        if _is_input_call(node) and id(node) not in input_calls:
            _finding(out, "PYM009", "error", node, "Input used outside a module-level annotated assignment",
                     "declare inputs at the top level: 'name: str = Input(\"name\")'")

    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    for spec in outline["inputs"]:
        if spec["var"] and spec["var"] not in loaded:
            _finding(out, "PYW001", "warning", spec["line"], f"input '{spec['name']}' is never used",
                     "remove it or use it")
    for spec in outline["externals"]:
        if spec["name"] not in loaded:
            _finding(out, "PYW002", "warning", spec["line"], f"external '{spec['name']}' is never called",
                     "remove the declaration or call it")
    last = tree.body[-1] if tree.body else None
    outline["result_expr"] = isinstance(last, ast.Expr)
    if not outline["has_main"] and not outline["result_expr"]:
        _finding(out, "PYW003", "warning", last.lineno if last else 1,
                 "the script defines no main() and does not end with an expression, so it returns None",
                 "define main() or end the script with the expression to return")
    return json.dumps(outline)


# ---------------------------------------------------------------- runner

class ExternalError(Exception):
    """Raised in a tool when a host external fails; tools may catch it."""


class _InputError(Exception):
    pass


class _OutputError(Exception):
    pass


_real_import = _builtins.__import__
_real_getattr = _builtins.getattr
_operator = _real_import("operator")
_TOOL_MODULE = "__pym__"
_current_grail = None  # the grail module of the run in progress (a lane runs one tool at a time)


def _guarded_getattr(obj, name, *default):
    if isinstance(name, str) and name in _DENIED_ATTRS:
        raise AttributeError(f"access to attribute '{name}' is not allowed in tools")
    return _real_getattr(obj, name, *default)


def _dispatching_import(name, globals=None, locals=None, fromlist=(), level=0):
    # GraalPy resolves `import` through builtins.__import__ whatever a frame's globals say, so the
    # allowlist applies here, to frames of tool code only; the stdlib keeps its own imports.
    if globals is None:  # an explicit __import__("x") call: judge by the caller's frame
        caller = sys._getframe(1)
        if caller.f_globals.get("__name__") == _TOOL_MODULE:
            globals = caller.f_globals
    if globals is None or globals.get("__name__") != _TOOL_MODULE:
        module = _real_import(name, globals, locals, fromlist, level)
        if _unhardened:
            _harden()
        return module
    if level:
        raise ImportError("relative imports are not allowed in tools")
    if name == "grail":
        return _current_grail
    if name.split(".")[0] not in _ALLOWED:
        raise ImportError(f"import of '{name}' is not allowed in tools")
    return _view(_real_import(name, globals, locals, fromlist, level))


# ------------------------------------------------ module views and stdlib eval sinks
# A tool never holds a real module: each import in a run returns a fresh view holding the module's
# public names, so attributes a run sets on a module die with the run, and modules the stdlib
# imports for itself (`enum.bltns`, `shlex.os`, `fnmatch.os`, ...) are not reachable through it.
# Allowlisted submodules (`collections.abc`, `json.decoder`) are views too, made on first access.

_views = {}  # id(real module) -> its view, for the run in progress
_VIEW_ITEMS = {}  # module name -> (size of its dict, public non-module items, allowlisted submodules)
_KEPT_DUNDERS = frozenset(["__name__", "__doc__", "__all__"])


def _guard_attr(name):
    if isinstance(name, str) and any(part in _DENIED_ATTRS for part in name.split(".")):
        raise AttributeError(f"access to attribute '{name}' is not allowed in tools")


def _guarded_attrgetter(attr, *attrs):
    for a in (attr,) + attrs:
        _guard_attr(a)
    return _operator.attrgetter(attr, *attrs)


def _guarded_methodcaller(name, /, *args, **kwargs):
    _guard_attr(name)
    return _operator.methodcaller(name, *args, **kwargs)


def _guard_names(names, allowed=frozenset()):
    if isinstance(names, str):
        names = (names,)
    names = tuple(names)
    for n in names:
        if n not in allowed:
            _guard_attr(n)
    return names


# `updated` merges mappings: the default ("__dict__",) copies a function's own attributes, nothing more.
_UPDATED_OK = frozenset(["__dict__"])


# functools.update_wrapper/wraps read and copy attributes whose names are data (assigned, updated): with
# "__globals__" they handed a tool a stdlib function's real globals (builtins, os, signal). Names are checked.
_functools = _real_import("functools")


def _guarded_update_wrapper(wrapper, wrapped, assigned=_functools.WRAPPER_ASSIGNMENTS,
                            updated=_functools.WRAPPER_UPDATES):
    return _functools.update_wrapper(wrapper, wrapped, _guard_names(assigned), _guard_names(updated, _UPDATED_OK))


def _guarded_wraps(wrapped, assigned=_functools.WRAPPER_ASSIGNMENTS, updated=_functools.WRAPPER_UPDATES):
    return _functools.partial(_guarded_update_wrapper, wrapped=wrapped, assigned=_guard_names(assigned),
                              updated=_guard_names(updated, _UPDATED_OK))


# Format fields ("{0.__globals__}", Formatter().get_field) resolve attributes by name: the same guard applies.
_formatter_parser = _real_import("_string").formatter_parser
_formatter_field_name_split = _real_import("_string").formatter_field_name_split


def _guard_field(field_name):
    first, rest = _formatter_field_name_split(field_name)
    for is_attr, name in rest:
        if is_attr:
            _guard_attr(name)


def _guard_format_string(text):
    if isinstance(text, str):
        for _, field, spec, _ in _formatter_parser(text):
            if field is not None:
                _guard_field(field)
            if spec:
                _guard_format_string(spec)


def _str_format(self, *args, **kwargs):
    _guard_format_string(self)
    return str.format(self, *args, **kwargs)


def _str_format_map(self, mapping):
    _guard_format_string(self)
    return str.format_map(self, mapping)


_FORMAT_METHODS = {"format": _str_format, "format_map": _str_format_map}


def _format_attr(obj, name):
    """`x.format` / `x.format_map` in tool code (rewritten at compile time): a guarded method for strings."""
    if obj is str:
        return _FORMAT_METHODS[name]
    if isinstance(obj, str):
        return _functools.partial(_FORMAT_METHODS[name], obj)
    return _real_getattr(obj, name)


_string = _real_import("string")


class _GuardedFormatter(_string.Formatter):
    def get_field(self, field_name, args, kwargs):
        _guard_field(field_name)
        return super().get_field(field_name, args, kwargs)


_VIEW_OVERRIDES = {"operator": {"attrgetter": _guarded_attrgetter, "methodcaller": _guarded_methodcaller},
                   "functools": {"update_wrapper": _guarded_update_wrapper, "wraps": _guarded_wraps},
                   "string": {"Formatter": _GuardedFormatter}}


def _view_items(module):
    d = module.__dict__
    cached = _VIEW_ITEMS.get(module.__name__)
    if cached is not None and cached[0] == len(d):
        return cached
    items, submodules = {}, {}
    for k, v in list(d.items()):
        if k.startswith("_") and k not in _KEPT_DUNDERS:
            continue
        if isinstance(v, types.ModuleType):
            if v.__name__.split(".")[0] in _ALLOWED:
                submodules[k] = v
            continue
        items[k] = v
    items.update(_VIEW_OVERRIDES.get(module.__name__, {}))
    cached = (len(d), items, submodules)
    _VIEW_ITEMS[module.__name__] = cached
    return cached


def _view(module):
    view = _views.get(id(module))
    if view is not None:
        return view
    _, items, submodules = _view_items(module)
    view = types.ModuleType(module.__name__)
    vd = view.__dict__
    vd.update(items)

    def __getattr__(attr):
        sub = submodules.get(attr)
        if sub is None:
            raise AttributeError(f"module '{module.__name__}' has no attribute '{attr}'")
        vd[attr] = _view(sub)
        return vd[attr]

    vd["__getattr__"] = __getattr__
    _views[id(module)] = view
    return view


def _source_findings(text):
    out = []
    tree = ast.parse(text, "<string>", "eval")
    _check_imports(tree, out)
    _check_forbidden(tree, out)
    return out


def _harden_typing(typing):
    # ForwardRef evaluates its string with eval(): check it with the tool rules first.
    real = typing.ForwardRef._evaluate

    def _evaluate(self, *args, **kwargs):
        findings = _source_findings(self.__forward_arg__)
        if findings:
            raise NameError(f"type expression {self.__forward_arg__!r}: {findings[0]['message']}")
        return real(self, *args, **kwargs)

    typing.ForwardRef._evaluate = _evaluate


def _harden_dataclasses(dataclasses):
    # dataclasses writes field names into source it exec()s: only identifiers may get there.
    real = dataclasses._process_class

    def _process_class(cls, *args, **kwargs):
        names = list(cls.__dict__.get("__annotations__", {}))
        for base in cls.__mro__:
            fields = base.__dict__.get("__dataclass_fields__")
            if isinstance(fields, dict):
                names += list(fields) + [_real_getattr(f, "name", None) for f in fields.values()]
        for n in names:
            if not (isinstance(n, str) and n.isidentifier()):
                raise TypeError(f"dataclass field name {n!r} is not an identifier")
        return real(cls, *args, **kwargs)

    dataclasses._process_class = _process_class


_HARDENERS = {"typing": _harden_typing, "dataclasses": _harden_dataclasses}
_unhardened = set(_HARDENERS)


def _harden():
    for name in list(_unhardened):
        module = sys.modules.get(name)
        if module is not None and not _real_getattr(module.__spec__, "_initializing", False):
            _HARDENERS[name](module)
            _unhardened.discard(name)


_builtins.__import__ = _dispatching_import


def _host_denied(name):
    def denied(*args, **kwargs):
        raise PermissionError(f"'{name}' is not available in tools: signals and processes belong to the host")
    denied.__name__ = name
    return denied


# Defence in depth behind the attribute guards: should a tool ever reach the real modules, signals (which GraalPy
# installs as JVM-wide handlers: SIG_IGN on SIGTERM broke `hub stop`, raise_signal stopped the hub, alarm started
# a host thread) and process identities are gone from them, for every context of the engine.
def _deny_host_signals():
    names = ("signal", "raise_signal", "alarm", "setitimer", "getitimer", "pthread_kill", "pthread_sigmask",
             "set_wakeup_fd", "siginterrupt", "pause", "sigwait", "sigwaitinfo", "sigtimedwait", "getsignal",
             "default_int_handler")
    proc = ("kill", "killpg", "getpid", "getppid", "getpgid", "getpgrp", "getsid", "abort", "fork", "forkpty",
            "register_at_fork", "setpgid", "setsid", "nice", "pidfd_open", "waitpid", "wait")
    for modname, denied in (("_signal", names), ("signal", names), ("posix", proc), ("os", proc)):
        try:
            module = _real_import(modname)
        except ImportError:
            continue
        for n in denied:
            if n in module.__dict__:
                setattr(module, n, _host_denied(n))


_deny_host_signals()


def _denied(name):
    def denied(*args, **kwargs):
        raise NameError(f"'{name}' is not available in tools")
    denied.__name__ = name
    return denied


# Names a tool's globals start with: denied builtins are shadowed (globals win over builtins).
_BASE_SCOPE = {name: _denied(name) for name in _DENIED_NAMES if name not in ("__import__", "__builtins__")}
_BASE_SCOPE["getattr"] = _guarded_getattr
_BASE_SCOPE["__name__"] = _TOOL_MODULE
# GraalPy looks builtins up in the builtins module whatever a frame's globals hold, but the bare name
# `__builtins__` is a global lookup: without this it would hand a tool the real builtins (eval, open, ...).
_SAFE_BUILTINS = {k: v for k, v in _builtins.__dict__.items()
                  if not k.startswith("_") and k not in _DENIED_NAMES}
_SAFE_BUILTINS.update({"__build_class__": _builtins.__build_class__, "__import__": _dispatching_import,
                       "getattr": _guarded_getattr, "ExternalError": ExternalError})
_BASE_SCOPE["ExternalError"] = ExternalError  # README: a failing external raises ExternalError, a bare name
_BASE_SCOPE["__pym_format_attr__"] = _format_attr
_CODE_CACHE = {}


# GraalPy does not enforce sys.setrecursionlimit: Python depth is bounded only by the Java stack
# (about 15,000 frames on a lane), which takes seconds and megabytes to reach. So every function a
# tool defines counts its depth in the run's globals and raises RecursionError past the run's limit.
# Generators (and lambdas) are left to the stack: a suspended generator is not on the stack.
_DEPTH, _DEPTH_LIMIT = "__pym_depth__", "__pym_depth_limit__"


def _own_nodes(fn):
    todo = list(ast.iter_child_nodes(fn))
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        yield node
        todo.extend(ast.iter_child_nodes(node))


class _DepthCounter(ast.NodeTransformer):
    def visit_FunctionDef(self, fn):
        self.generic_visit(fn)
        if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _own_nodes(fn)):
            return fn
        doc = fn.body[:1] if ast.get_docstring(fn, clean=False) is not None else []
        guard = ast.parse(
            f"global {_DEPTH}\n"
            f"{_DEPTH} += 1\n"
            f"try:\n"
            f"    if {_DEPTH} > {_DEPTH_LIMIT}:\n"
            f"        raise RecursionError('maximum recursion depth exceeded')\n"
            f"finally:\n"
            f"    {_DEPTH} -= 1\n").body
        for stmt in guard:
            for node in ast.walk(stmt):
                ast.copy_location(node, fn)
        guard[2].body.extend(fn.body[len(doc):])
        fn.body = doc + guard
        return fn

    visit_AsyncFunctionDef = visit_FunctionDef


class _FormatGuard(ast.NodeTransformer):
    """`x.format` and `x.format_map` become `__pym_format_attr__(x, "format")`: the field guard applies."""

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr in ("format", "format_map") and isinstance(node.ctx, ast.Load):
            call = ast.Call(func=ast.Name(id="__pym_format_attr__", ctx=ast.Load()),
                            args=[node.value, ast.Constant(node.attr)], keywords=[])
            return ast.copy_location(call, node)
        return node


def _compile(key, source, filename):
    cached = _CODE_CACHE.get(key)
    if cached is not None:
        return cached
    tree = ast.parse(source, filename)
    tree = _DepthCounter().visit(tree)
    tree = ast.fix_missing_locations(_FormatGuard().visit(tree))
    # Import what the tool imports now, outside the run's limits, so runs neither pay nor count it.
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else [])
        for name in names:
            if name.split(".")[0] in _ALLOWED:
                try:
                    _real_import(name)
                except ImportError:
                    pass
    if _unhardened:
        _harden()
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = compile(ast.Expression(tree.body.pop().value), filename, "eval")
    body = compile(tree, filename, "exec")
    if len(_CODE_CACHE) > 256:
        _CODE_CACHE.clear()
    _CODE_CACHE[key] = (body, last)
    return body, last


def pym_prepare(key, source, filename):
    """Compiles and caches a tool's code outside the run's limits; returns an error JSON or ''."""
    try:
        _compile(key, source, filename)
        return ""
    except SyntaxError as e:
        return json.dumps({"failure": "parse", "line": e.lineno or 1, "column": e.offset or 1, "message": e.msg})


def _make_grail(inputs, externals, host_call):
    grail = types.ModuleType("grail")
    missing = object()

    def Input(name, default=missing):
        if name in inputs:
            return inputs[name]
        if default is not missing:
            return default
        raise _InputError(f"input '{name}' was not provided")

    def external(fn):
        spec = externals.get(fn.__name__)
        if spec is None:
            raise ExternalError(f"external '{fn.__name__}' is not provided by this host")
        name, params = fn.__name__, spec["params"]

        def bind(args, kwargs):
            if len(args) > len(params):
                raise TypeError(f"{name}() takes {len(params)} arguments but {len(args)} were given")
            bound = {}
            for p, v in zip(params, args):
                bound[p["name"]] = v
            names = {p["name"] for p in params}
            for k, v in kwargs.items():
                if k not in names:
                    raise TypeError(f"{name}() got an unexpected keyword argument '{k}'")
                if k in bound:
                    raise TypeError(f"{name}() got multiple values for argument '{k}'")
                bound[k] = v
            for p in params:
                if p["name"] not in bound:
                    if not p["has_default"]:
                        raise TypeError(f"{name}() missing required argument '{p['name']}'")
                    bound[p["name"]] = p["default"]
            return bound

        def call(args, kwargs):
            try:
                payload = json.dumps(bind(args, kwargs))
            except (TypeError, ValueError) as e:
                raise ExternalError(f"{name}(): {e}") from None
            raw = str(host_call(name, payload))
            if raw.startswith("s"):
                return raw[1:]  # a string result, passed raw (the pure-Python JSON decoder is slow on big texts)
            if raw.startswith("m"):
                return _marshal_loads(raw[1:].encode("latin-1"))  # any other result, in marshal format
            reply = json.loads(raw)
            if "error" in reply:
                raise ExternalError(reply["error"])
            return reply.get("ok")

        if spec["is_async"]:
            async def async_wrapper(*args, **kwargs):
                return call(args, kwargs)
            wrapper = async_wrapper
        else:
            def wrapper(*args, **kwargs):
                return call(args, kwargs)
        wrapper.__name__ = name
        wrapper.__doc__ = fn.__doc__
        return wrapper

    grail.Input = Input
    grail.external = external
    grail.ExternalError = ExternalError
    return grail


def _drive(value):
    if not isinstance(value, types.CoroutineType):
        return value
    try:
        while True:
            value.send(None)
            raise RuntimeError("a tool may only await its externals")
    except StopIteration as stop:
        return stop.value


def _depth():
    frame, n = sys._getframe(1), 0
    while frame is not None:
        n += 1
        frame = frame.f_back
    return n


def _error_line(exc, filename):
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _execute(key, source, filename, inputs, externals, host_call, recursion_limit):
    body, last = _compile(key, source, filename)
    global _current_grail
    _current_grail = _make_grail(inputs, externals, host_call)
    _views.clear()
    scope = dict(_BASE_SCOPE)
    scope["__builtins__"] = dict(_SAFE_BUILTINS)
    scope["__file__"] = filename
    scope[_DEPTH] = 0
    scope[_DEPTH_LIMIT] = recursion_limit
    exec(body, scope)
    result = _drive(eval(last, scope)) if last is not None else None
    main = scope.get("main")
    if callable(main):
        result = _drive(main())
    return result


def pym_run(key, source, filename, inputs_json, externals_json, host_call, recursion_limit, max_result):
    old_limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(_depth() + 4 + recursion_limit)
        result = _execute(key, source, filename, json.loads(inputs_json), json.loads(externals_json), host_call,
                          recursion_limit)
        sys.setrecursionlimit(old_limit)
        try:
            text = json.dumps(result, allow_nan=False, ensure_ascii=False)
        except (TypeError, ValueError) as e:
            return json.dumps({"failure": "output", "message": f"result is not JSON-representable: {e}"})
        if len(text) > max_result:
            return json.dumps({"failure": "output",
                               "message": f"result is {len(text)} characters, over the limit of {max_result}"})
        return '{"ok":' + text + "}"
    except RecursionError as e:
        sys.setrecursionlimit(old_limit)
        return json.dumps({"failure": "limit", "limit": "recursion", "line": _error_line(e, filename),
                           "message": f"recursion deeper than {recursion_limit} frames"})
    except MemoryError as e:
        sys.setrecursionlimit(old_limit)
        return json.dumps({"failure": "limit", "limit": "memory", "line": _error_line(e, filename),
                           "message": "the interpreter ran out of memory"})
    except _InputError as e:
        sys.setrecursionlimit(old_limit)
        return json.dumps({"failure": "input", "message": str(e)})
    except ExternalError as e:
        sys.setrecursionlimit(old_limit)
        return json.dumps({"failure": "external", "line": _error_line(e, filename), "message": str(e)})
    except BaseException as e:  # SystemExit and KeyboardInterrupt included: the host decides
        sys.setrecursionlimit(old_limit)
        return json.dumps({"failure": "execution", "type": type(e).__name__, "line": _error_line(e, filename),
                           "message": str(e)})


def pym_probe(source):
    """Tests only (EscapeTest): runs `source` as the guest runtime itself, past every Python-level guard, so the
    context's own denials stay tested now that no route past the guards is known. Answers like pym_run."""
    scope = {"__name__": "__probe__"}
    try:
        tree = ast.parse(source, "<probe>")
        last = ast.Expression(tree.body.pop().value) if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, "<probe>", "exec"), scope)
        result = eval(compile(last, "<probe>", "eval"), scope) if last is not None else None
        return '{"ok":' + json.dumps(result, default=repr) + "}"
    except BaseException as e:
        return json.dumps({"failure": "execution", "type": type(e).__name__, "line": 0, "message": str(e)})
