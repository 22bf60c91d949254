package dev.nodestate.hub.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a tool may import and touch. Deny by default: a module is importable only when it is
 * listed in {@link #ALLOWED_MODULES}; every notable omission carries its reason, which the
 * checker shows as the suggestion.
 */
final class GuestPolicy {

    /** Pure, deterministic standard-library modules with no I/O. */
    static final Set<String> ALLOWED_MODULES = Set.of(
            "ast", "re", "json", "hashlib", "math", "itertools", "functools", "collections", "dataclasses",
            "difflib", "textwrap", "typing", "enum", "string", "keyword", "operator", "bisect", "heapq",
            "copy", "statistics", "fractions", "decimal", "base64", "binascii", "zlib", "unicodedata",
            "tokenize", "token", "abc", "numbers", "types", "html", "fnmatch", "shlex", "pprint", "__future__");

    static final Map<String, String> OMITTED_MODULES = omitted();

    /**
     * Builtins removed from a tool's namespace (the checker also reports their use). The bare name
     * {@code __builtins__} is one too: it would hand a tool the real builtins (eval, open, ...).
     */
    static final Set<String> DENIED_BUILTINS = Set.of(
            "open", "exec", "eval", "compile", "__import__", "globals", "locals", "vars", "breakpoint",
            "input", "help", "exit", "quit", "copyright", "credits", "license", "__builtins__");

    /** Attributes that lead to interpreter internals (frames, code, globals, the class graph). */
    static final Set<String> DENIED_ATTRIBUTES = Set.of(
            "__subclasses__", "__globals__", "__builtins__", "__code__", "__closure__", "__bases__", "__base__",
            "__mro__", "__class__", "__dict__", "__getattribute__", "__reduce__", "__reduce_ex__", "__loader__",
            "__spec__", "__self__", "__func__", "__import__", "gi_frame", "gi_code", "cr_frame", "cr_code",
            "ag_frame", "ag_code", "f_globals", "f_locals", "f_back", "f_builtins", "f_code", "tb_frame", "tb_next");

    private GuestPolicy() {
    }

    private static Map<String, String> omitted() {
        Map<String, String> m = new LinkedHashMap<>();
        String files = "tools get files only through the read_file external, which checks paths";
        m.put("os", "os reaches the filesystem, environment and processes; " + files);
        m.put("sys", "sys exposes interpreter internals (modules, exit, recursion limit)");
        m.put("io", files);
        m.put("pathlib", files);
        m.put("shutil", files);
        m.put("tempfile", files);
        m.put("glob", files);
        m.put("subprocess", "tools may not start processes; the host runs tests through an external");
        m.put("socket", "tools have no network access");
        m.put("urllib", "tools have no network access");
        m.put("http", "tools have no network access");
        m.put("threading", "tools run on one host-managed thread");
        m.put("multiprocessing", "tools run on one host-managed thread");
        m.put("asyncio", "externals are awaited directly; the host owns scheduling and threads");
        m.put("ctypes", "native code is denied");
        m.put("importlib", "imports are limited to the allowlist");
        m.put("pickle", "unpickling can run arbitrary code");
        m.put("marshal", "loading code objects bypasses the checker");
        m.put("inspect", "frame and code introspection bypasses the sandbox rules");
        m.put("gc", "reaches every object in the interpreter");
        m.put("time", "results must be deterministic; the host stamps times");
        m.put("datetime", "results must be deterministic; the host stamps times");
        m.put("random", "results must be deterministic");
        m.put("java", "host classes are not accessible");
        m.put("polyglot", "polyglot access is denied");
        return Map.copyOf(m);
    }
}
