package dev.nodestate.hub.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.sandbox.Finding;
import dev.nodestate.hub.sandbox.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PymCheckerTest {

    private static List<Finding> findings(String source) {
        return Tools.check(source).findings();
    }

    private static Finding only(String code, String source) {
        List<Finding> matching = findings(source).stream().filter(f -> f.code().equals(code)).toList();
        assertEquals(1, matching.size(), () -> "expected one " + code + " in " + findings(source));
        return matching.getFirst();
    }

    @Test
    void aCleanToolHasNoFindings() {
        PymTool tool = Tools.check("""
                \"\"\"Counts lines.\"\"\"
                from grail import Input, external
                path: str = Input("path")

                @external
                async def read_file(path: str) -> str: ...

                async def main():
                    return len((await read_file(path)).splitlines())
                """);
        assertEquals(List.of(), tool.findings());
        assertEquals("Counts lines.", tool.docstring());
        assertEquals("path", tool.inputs().getFirst().name());
        assertEquals("async read_file(path: str) -> str", tool.externals().getFirst().signature());
    }

    @Test
    void aSyntaxErrorIsReportedWithLineAndColumn() {
        Finding f = only("PYM001", "x = 1\ndef f(:\n    pass\n");
        assertEquals(2, f.line());
        assertTrue(f.column() > 0);
        assertTrue(f.isError());
    }

    @Test
    void codeThatParsesButDoesNotCompileIsASyntaxErrorAtTheCompilersLine() {
        Finding ret = only("PYM001", "x = 1\n\nreturn x\n");
        assertEquals(3, ret.line());
        assertTrue(ret.message().contains("'return' outside function"), ret.message());
        assertTrue(ret.isError());
        Finding dup = only("PYM001", "x = 1\ndef f(a, a):\n    return a\nx\n");
        assertEquals(2, dup.line());
        assertTrue(dup.message().contains("duplicate argument"), dup.message());
        Finding brk = only("PYM001", "async def main():\n    return 1\n\nbreak\n");
        assertEquals(4, brk.line());
        Finding nonlocal = only("PYM001", "def f():\n    nonlocal y\n    return 1\nf()\n");
        assertEquals(2, nonlocal.line());
    }

    @Test
    void importsOutsideTheAllowlistAreErrorsWithTheirReason() {
        Finding os = only("PYM002", "import os\n1");
        assertEquals(1, os.line());
        assertTrue(os.suggestion().contains("filesystem"), os.suggestion());
        Finding sock = only("PYM002", "x = 1\nfrom socket import socket\nx");
        assertEquals(2, sock.line());
        assertTrue(sock.suggestion().contains("network"), sock.suggestion());
        assertTrue(findings("import ast, re, json, hashlib, math, itertools, functools, collections, dataclasses\n"
                + "import difflib, textwrap, typing, enum, string, keyword\n1").isEmpty());
    }

    @Test
    void anExternalWithoutAnnotationsOrWithABodyIsAnError() {
        List<Finding> fs = findings("""
                from grail import external
                @external
                async def a(x) -> str: ...
                @external
                async def b(x: str): ...
                @external
                async def c(x: str) -> str:
                    return x
                a; b; c
                """);
        List<Finding> shape = fs.stream().filter(f -> !f.code().equals("PYM014")).toList(); // the host offers no a, b, c
        assertEquals(List.of("PYM003", "PYM003", "PYM004"), shape.stream().map(Finding::code).toList());
        assertEquals(List.of(3, 5, 8), shape.stream().map(Finding::line).toList());
    }

    @Test
    void inputsNeedAnAnnotationAndTheirVariablesName() {
        assertEquals(2, only("PYM005", "from grail import Input\nx = Input('x')\nx").line());
        Finding renamed = only("PYM006", "from grail import Input\nx: int = Input('y')\nx");
        assertTrue(renamed.message().contains("'y'") && renamed.message().contains("'x'"), renamed.message());
    }

    @Test
    void forbiddenBuiltinsAreReportedWhereTheyAreUsed() {
        for (String name : List.of("open", "exec", "eval", "compile", "__import__", "globals")) {
            Finding f = only("PYM007", "y = 1\nz = " + name + "\nz");
            assertEquals(2, f.line(), name);
            assertTrue(f.message().contains(name));
        }
    }

    @Test
    void unusedInputsAndExternalsAreWarnings() {
        List<Finding> fs = findings("""
                from grail import Input, external
                x: int = Input("x")
                @external
                async def read_file(path: str) -> str: ...
                1
                """);
        assertEquals(List.of("PYW001", "PYW002"), fs.stream().map(Finding::code).toList());
        assertTrue(fs.stream().noneMatch(Finding::isError));
    }

    @Test
    void theHostRejectsTypesItCannotCheckAndDefaultsOfTheWrongType() {
        assertTrue(only("PYM012", "from grail import Input\nx: set[int] = Input('x')\nx").message().contains("set"));
        assertEquals(2, only("PYM013", "from grail import Input\nx: int = Input('x', default='a')\nx").line());
    }

    @Test
    void anExternalTheHostDoesNotOfferIsAnError() {
        Finding f = only("PYM014", "from grail import external\n@external\nasync def launch(x: str) -> str: ...\nlaunch");
        assertTrue(f.suggestion().contains("read_file"), f.suggestion());
    }

    @Test
    void theLimitsHeaderSetsTheToolsLimitsAndABadOneIsReported() {
        assertEquals(Limits.STRICT, Tools.check("# limits: strict\n1").limits());
        Limits custom = Tools.check("# limits: permissive, time=1s\n1").limits();
        assertEquals(Duration.ofSeconds(1), custom.time());
        assertEquals(Limits.PERMISSIVE.memoryBytes(), custom.memoryBytes());
        Finding bad = only("PYM011", "x = 1\n# limits: fast\nx");
        assertEquals(2, bad.line());
    }

    @Test
    void everyFindingOfEveryFileIsReportedTogether() {
        List<Finding> fs = findings("import os\nimport socket\nopen\neval\n");
        assertEquals(4, fs.stream().filter(Finding::isError).count());
    }

    @Test
    void theShippedToolsPassTheChecker() throws Exception {
        Path tools = Path.of("tools");
        try (var files = Files.list(tools)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".pym")).toList()) {
                PymTool tool = Tools.check(p.getFileName().toString().replace(".pym", ""), Files.readString(p),
                        HostExternals.standard(Path.of("").toAbsolutePath())
                                .with(dev.nodestate.hub.refs.CrossFileAnalysis.offlineExternals()));
                assertFalse(tool.broken(), () -> p + ": " + tool.findings());
            }
        }
    }
}
