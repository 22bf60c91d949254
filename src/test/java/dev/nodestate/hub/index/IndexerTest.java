package dev.nodestate.hub.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.SharedRuntime;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexerTest {

    private static Indexer.Summary index(Path repo) throws Exception {
        return index(repo, Path.of("tools"));
    }

    private static Indexer.Summary index(Path repo, Path toolsDir) throws Exception {
        Externals externals = HostExternals.standard(repo);
        try (NodeStore store = NodeStore.open(repo);
             ToolRegistry tools = new ToolRegistry(toolsDir, new PymChecker(SharedRuntime.get(), externals))) {
            return new Indexer(repo, store, () -> new Indexer.Tools(tools, new ToolHost(SharedRuntime.get()), externals), 2)
                    .run(Discovery.DEFAULT_MAX_BYTES, p -> { });
        }
    }

    private static <T> T withStore(Path repo, java.util.function.Function<NodeStore, T> f) {
        try (NodeStore store = NodeStore.open(repo)) {
            return f.apply(store);
        }
    }

    private static Map<Path, FileTime> pageTimes(Path repo) throws Exception {
        Map<Path, FileTime> times = new HashMap<>();
        try (Stream<Path> s = Files.walk(repo.resolve(".agentfs/nodes"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                times.put(p, Files.getLastModifiedTime(p));
            }
        }
        return times;
    }

    private static void write(Path repo, String file, String text) throws Exception {
        Path p = repo.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void aRepositoryIsIndexedIntoNodeStateAndPagesAndASecondRunSkipsEveryFile(@TempDir Path repo) throws Exception {
        write(repo, "pkg/shapes.py", """
                \"\"\"Shapes.\"\"\"
                import math

                class Circle:
                    \"\"\"A circle.\"\"\"

                    def __init__(self, r: float) -> None:
                        self.r = r

                    @property
                    def area(self) -> float:
                        return math.pi * self.r ** 2 if self.r > 0 else 0.0

                def largest(*shapes, key=None, **options):
                    def size(s):
                        return s.area
                    return max(shapes, key=key or size)
                """);
        write(repo, "src/Shape.java", """
                package demo;
                /** A shape. Has an area. */
                public interface Shape {
                    double area();
                    default boolean bigger(Shape other) { return other != null && area() > other.area(); }
                }
                """);
        write(repo, ".gitignore", "generated/\n");
        write(repo, "generated/skip.py", "x = 1\n");
        Indexer.Summary first = index(repo);
        assertEquals(2, first.files());
        assertEquals(2, first.indexed());
        assertEquals(List.of(), first.errors());
        assertEquals(1, first.skippedBy().get("gitignored"));

        NodeState area = withStore(repo, s -> s.get("pkg/shapes.py::Circle.area").orElseThrow());
        assertEquals("def area(self) -> float", area.signature());
        assertEquals(List.of("@property"), area.decorators());
        assertEquals(2, area.complexity());
        assertEquals("pkg/shapes.py::Circle", area.parent());
        assertEquals(List.of("import math"), area.imports());
        NodeState largest = withStore(repo, s -> s.get("pkg/shapes.py::largest").orElseThrow());
        assertEquals("def largest(*shapes, key=None, **options)", largest.signature());
        assertNotNull(withStore(repo, s -> s.get("pkg/shapes.py::largest.size").orElse(null)));
        NodeState bigger = withStore(repo, s -> s.get("src/Shape.java::Shape.bigger(Shape)").orElseThrow());
        assertEquals("default boolean bigger(Shape other)", bigger.signature());
        assertEquals(2, bigger.complexity()); // 1 + one &&
        assertEquals("A shape.", withStore(repo, s -> s.get("src/Shape.java::Shape").orElseThrow()).docstring());

        assertTrue(Files.isRegularFile(repo.resolve(".agentfs/nodes/pkg/shapes.py/Circle.area.md")));
        assertTrue(Files.isRegularFile(repo.resolve(".agentfs/nodes/pkg/shapes.py/index.md")));
        String page = Files.readString(repo.resolve(".agentfs/nodes/pkg/shapes.py/Circle.area.md"));
        assertTrue(page.startsWith("---\nid: \"pkg/shapes.py::Circle.area\"\n"), page);
        assertTrue(page.contains("Defined in [pkg/shapes.py::Circle](Circle.md)"), page);
        int pageCount = pageTimes(repo).size();
        assertEquals(withStore(repo, s -> s.stats().nodes()) + 2 + 1, pageCount, "a page per node, an index per file and the top-level index");
        assertTrue(Files.readString(repo.resolve(".agentfs/nodes/index.md")).contains("(pkg/shapes.py/index.md)"));

        Indexer.Summary second = index(repo);
        assertEquals(0, second.indexed());
        assertEquals(2, second.unchanged());
        assertEquals(0, second.pagesWritten());
    }

    @Test
    void editingOneFileReExtractsOnlyItAndRewritesOnlyItsPages(@TempDir Path repo) throws Exception {
        write(repo, "a.py", "def one():\n    return 1\n");
        write(repo, "b.py", "def two():\n    return 2\n\ndef three():\n    return 3\n");
        index(repo);
        Map<Path, FileTime> before = pageTimes(repo);
        Thread.sleep(20);
        write(repo, "b.py", "def two(x: int) -> int:\n    return 2\n");
        Indexer.Summary s = index(repo);
        assertEquals(1, s.indexed());
        Map<Path, FileTime> after = pageTimes(repo);
        for (var e : before.entrySet()) {
            if (e.getKey().toString().contains("/a.py/")) {
                assertEquals(e.getValue(), after.get(e.getKey()), "page of an untouched file rewritten: " + e.getKey());
            }
        }
        assertFalse(after.containsKey(repo.resolve(".agentfs/nodes/b.py/three.md")), "the removed node's page is gone");
        assertEquals("def two(x: int) -> int", withStore(repo, st -> st.get("b.py::two").orElseThrow().signature()));
        assertTrue((boolean) withStore(repo, st -> st.get("b.py::three").isEmpty()));
    }

    @Test
    void aSyntaxErrorKeepsThePreviousNodesAndRecordsTheErrorOnTheFile(@TempDir Path repo) throws Exception {
        write(repo, "a.py", "def ok():\n    return 1\n");
        index(repo);
        write(repo, "a.py", "def ok(:\n    return 1\n");
        Indexer.Summary s = index(repo);
        assertEquals(1, s.errors().size());
        assertTrue(s.errors().getFirst().startsWith("a.py:1"), s.errors().getFirst());
        assertTrue((boolean) withStore(repo, st -> st.get("a.py::ok").isPresent()));
        assertTrue((boolean) withStore(repo, st -> st.getFileIndex("a.py").orElseThrow().error()).contains("syntax error"));
    }

    @Test
    void aFileDeletedDuringTheIndexFailsAloneTheOthersOfItsBatchAreIndexedAndTheSummaryNamesIt(@TempDir Path repo) throws Exception {
        for (String name : List.of("A", "B", "C", "D")) { // one batch of four Java files
            write(repo, "src/" + name + ".java", "class " + name + " {\n    int f() { return 1; }\n}\n");
        }
        Externals externals = HostExternals.standard(repo);
        Indexer.Summary s;
        try (NodeStore store = NodeStore.open(repo);
             ToolRegistry tools = new ToolRegistry(Path.of("tools"), new PymChecker(SharedRuntime.get(), externals))) {
            s = new Indexer(repo, store, () -> {
                try { // after discovery read the files, before the extraction tools read them
                    Files.delete(repo.resolve("src/B.java"));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return new Indexer.Tools(tools, new ToolHost(SharedRuntime.get()), externals);
            }, 2).run(Discovery.DEFAULT_MAX_BYTES, p -> { });
        }
        assertEquals(3, s.indexed(), s.toString());
        assertEquals(List.of("src/B.java"), List.copyOf(s.failed().keySet()), s.toString());
        assertTrue(s.failed().get("src/B.java").startsWith("deleted while being indexed"), s.failed().toString());
        assertEquals(s.failed(), s.failedOtherwise());
        for (String name : List.of("A", "C", "D")) {
            assertTrue((boolean) withStore(repo, st -> st.get("src/" + name + ".java::" + name + ".f()").isPresent()), name);
        }
        assertTrue((boolean) withStore(repo, st -> st.getFileIndex("src/B.java").isEmpty()));
    }

    @Test
    void aSyntaxErrorAfterAnEmptyFileMakesItsPagesAndContextStaleAndNamesTheErrorWithFileAndLine(@TempDir Path repo) throws Exception {
        write(repo, "a.py", "");
        index(repo);
        write(repo, "a.py", "def ok():\n    return 1\n\ndef broken(:\n    pass\n");
        Indexer.Summary s = index(repo);
        assertEquals(0, s.indexed());
        assertTrue(s.failed().get("a.py").startsWith("syntax error"), s.failed().toString());
        assertEquals(Map.of(), s.failedOtherwise(), "a syntax error is the code's, not the run's failure");
        String page = Files.readString(repo.resolve(".agentfs/nodes/a.py/__module__.md"));
        assertTrue(page.contains("freshness: stale\n"), page);
        assertTrue(page.contains("file_error: \"a.py:4: syntax error"), page);
        assertTrue(Files.readString(repo.resolve(".agentfs/nodes/a.py/index.md")).contains("a.py:4: syntax error"));
        assertTrue(Files.readString(repo.resolve(".agentfs/nodes/index.md")).contains("a.py:4: syntax error"));
        var blob = withStore(repo, st -> dev.nodestate.hub.serve.Freshness.forRepo(repo).blob("a.py", st.get("a.py").orElseThrow(),
                st.getFileIndex("a.py").orElseThrow()));
        assertEquals("stale", blob.freshnessStatus());
        assertTrue(blob.warning().contains("a.py:4: syntax error"), blob.warning());
        // fixed: fresh again, the problem gone from the page
        write(repo, "a.py", "def ok():\n    return 1\n");
        index(repo);
        String fixed = Files.readString(repo.resolve(".agentfs/nodes/a.py/__module__.md"));
        assertTrue(fixed.contains("freshness: fresh\n") && !fixed.contains("file_error"), fixed);
    }

    @Test
    void aFormFeedBetweenDefinitionsDoesNotShiftSignaturesOrBodies(@TempDir Path repo) throws Exception {
        // Python (and Java's String.lines) count lines at \n, \r\n and \r only; str.splitlines also splits at \f
        write(repo, "ff.py", "import os\n\f\ndef f(a: int = 3) -> str:\n    return os.sep\n\nclass C(dict):\n    pass\n");
        index(repo);
        NodeState f = withStore(repo, s -> s.get("ff.py::f").orElseThrow());
        assertEquals("def f(a: int = 3) -> str", f.signature());
        assertEquals(List.of("import os"), f.imports());
        assertEquals(3, f.startLine());
        assertEquals("class C(dict)", withStore(repo, s -> s.get("ff.py::C").orElseThrow()).signature());
        assertEquals(7, withStore(repo, s -> s.get("ff.py").orElseThrow()).endLine());
    }

    @Test
    void aFailingComplexityToolLeavesComplexityUnsetAndTheIndexGoesOn(@TempDir Path repo, @TempDir Path toolsDir) throws Exception {
        for (String tool : List.of("extract_signatures.pym", "extract_java.pym")) {
            Files.copy(Path.of("tools", tool), toolsDir.resolve(tool));
        }
        Files.writeString(toolsDir.resolve("compute_complexity.pym"), """
                \"\"\"Fails on every file.\"\"\"
                from grail import Input
                file_paths: list[str] = Input("file_paths")
                raise ValueError("broken on purpose")
                """);
        write(repo, "a.py", "def one(x):\n    return 1 if x else 2\n");
        Indexer.Summary s = index(repo, toolsDir);
        assertEquals(1, s.indexed());
        assertEquals(List.of(), s.errors());
        NodeState one = withStore(repo, st -> st.get("a.py::one").orElseThrow());
        assertEquals("def one(x)", one.signature());
        assertEquals(null, one.complexity());
    }

    @Test
    void reExtractionKeepsCallersAToolStoredAfterTheExtractorReadTheNode(@TempDir Path repo) throws Exception {
        Files.writeString(repo.resolve("m.py"), "def f():\n    return 1\n");
        index(repo);
        Files.writeString(repo.resolve("m.py"), "def f(x=0):\n    return x\n");
        try (NodeStore store = NodeStore.open(repo)) {
            NodeState read = store.get("m.py::f").orElseThrow(); // what the extractor saw
            store.update("m.py::f", Map.of("callers", List.of("other.py::g"))); // a tool, meanwhile
            NodeState fresh = read.with(Map.of("signature", "def f(x=0)", "callers", List.of()));
            store.replaceFile(store.getFileIndex("m.py").orElseThrow(), List.of(fresh), null, Indexer::keepToolFields);
            NodeState stored = store.get("m.py::f").orElseThrow();
            assertEquals("def f(x=0)", stored.signature());
            assertEquals(List.of("other.py::g"), stored.callers());
        }
    }

    @Test
    void nodesOfDeletedFilesAreRemovedWithTheirPages(@TempDir Path repo) throws Exception {
        write(repo, "a.py", "def one():\n    return 1\n");
        write(repo, "b.py", "def two():\n    return 2\n");
        index(repo);
        Files.delete(repo.resolve("b.py"));
        Indexer.Summary s = index(repo);
        assertEquals(1, s.removed());
        assertTrue((boolean) withStore(repo, st -> st.get("b.py::two").isEmpty()));
        assertFalse(Files.exists(repo.resolve(".agentfs/nodes/b.py")));
        assertEquals(1L, (long) withStore(repo, st -> st.stats().files()));
    }
}
