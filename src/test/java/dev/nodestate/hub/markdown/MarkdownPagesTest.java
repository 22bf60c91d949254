package dev.nodestate.hub.markdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.store.FileIndex;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownPagesTest {

    private static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");

    @TempDir
    Path repo;
    NodeStore store;
    MarkdownPages pages;

    @BeforeEach
    void open() {
        store = NodeStore.open(repo);
        pages = new MarkdownPages(repo, store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static NodeState node(String file, String name, NodeState.Type type, String parent, Map<String, ?> fields) {
        NodeId id = name == null ? NodeId.module(file) : NodeId.of(file, name);
        NodeState n = NodeState.create(id, name == null ? file : name, type, "s", "h", T0, NodeState.Source.COLD_START);
        Map<String, Object> all = new java.util.HashMap<>(fields);
        all.put("language", file.endsWith(".java") ? "java" : "python");
        all.put("start_line", 1);
        all.put("end_line", 2);
        all.put("line_count", 2);
        if (parent != null) {
            all.put("parent", parent);
        }
        return n.with(all);
    }

    private void store(String file, List<NodeState> nodes) {
        store.replaceFile(new FileIndex(file, "h", nodes.size(), T0, null), nodes);
        pages.writeFile(file, store.byFile(file), List.of());
    }

    private String page(String id) throws Exception {
        return Files.readString(pages.pageOf(NodeId.parse(id)));
    }

    /** The link targets of a page, as written. */
    private static List<String> targets(String page) {
        List<String> out = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("\\]\\(([^)]*)\\)").matcher(page);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void aLinkToANodeWhoseNameHasARepeatSuffixEncodesTheHashAndResolvesToItsPage() throws Exception {
        store("m.py", List.of(node("m.py", null, NodeState.Type.MODULE, null, Map.of()),
                node("m.py", "f", NodeState.Type.FUNCTION, "m.py", Map.of()),
                node("m.py", "f#2", NodeState.Type.FUNCTION, "m.py", Map.of("callers", List.of("m.py::f")))));
        String caller = page("m.py::f#2");
        String target = targets(caller).stream().filter(t -> t.startsWith("f")).findFirst().orElseThrow();
        assertEquals("f.md", target, caller);
        String index = Files.readString(repo.resolve(".agentfs/nodes/m.py/index.md"));
        assertTrue(index.contains("(f%232.md)"), index);
        assertFalse(index.contains("(f#2.md)"), index);
        // every link target, decoded, is a page that exists
        for (String t : targets(index)) {
            Path p = repo.resolve(".agentfs/nodes/m.py").resolve(java.net.URLDecoder.decode(t.replace("+", "%2B"), "UTF-8"));
            assertTrue(Files.exists(p), t + " -> " + p);
        }
    }

    @Test
    void docstringsAndDecoratorsCannotInjectMarkdownOrHtmlIntoAPage() throws Exception {
        store("m.py", List.of(node("m.py", null, NodeState.Type.MODULE, null, Map.of()),
                node("m.py", "handle", NodeState.Type.FUNCTION, "m.py", Map.of(
                        "docstring", "Takes a <Request> and returns *bold* text.\n<script>alert(1)</script>\n```\nend",
                        "decorators", List.of("@route(\"`x`\")")))));
        String page = page("m.py::handle");
        // the docstring sits in a fenced block longer than any backtick run in it: verbatim, never rendered
        assertTrue(page.contains("````text\nTakes a <Request> and returns *bold* text.\n<script>alert(1)</script>\n```\nend\n````\n"), page);
        assertTrue(page.contains("- ``@route(\"`x`\")``"), page);
        String outside = page.replaceAll("(?s)````text.*?\n````\n", "");
        assertFalse(outside.contains("<script>"), outside);
    }

    @Test
    void aClassPageListsItsMethodsAndTheCallersOfItsConstructor() throws Exception {
        store("calc.py", List.of(node("calc.py", null, NodeState.Type.MODULE, null, Map.of()),
                node("calc.py", "Calc", NodeState.Type.CLASS, "calc.py", Map.of("callers", List.of())),
                node("calc.py", "Calc.__init__", NodeState.Type.FUNCTION, "calc.py::Calc",
                        Map.of("signature", "def __init__(self)", "callers", List.of("calc.py::main"))),
                node("calc.py", "Calc.add", NodeState.Type.FUNCTION, "calc.py::Calc", Map.of("signature", "def add(self, x)")),
                node("calc.py", "main", NodeState.Type.FUNCTION, "calc.py", Map.of())));
        String page = page("calc.py::Calc");
        assertTrue(page.contains("## Methods\n\n- [calc.py::Calc.\\_\\_init\\_\\_](Calc.__init__.md) — `def __init__(self)`\n"
                + "- [calc.py::Calc.add](Calc.add.md) — `def add(self, x)`\n"), page);
        assertTrue(page.contains("## Constructor callers\n\n- [calc.py::main](main.md)\n"), page);
    }

    @Test
    void aJavaClassPageCountsItsConstructorsCallersAsConstructorCallers() throws Exception {
        store("A.java", List.of(node("A.java", null, NodeState.Type.MODULE, null, Map.of()),
                node("A.java", "A", NodeState.Type.CLASS, "A.java", Map.of()),
                node("A.java", "A.A(int)", NodeState.Type.FUNCTION, "A.java::A", Map.of("callers", List.of("A.java::A.make()"))),
                node("A.java", "A.make()", NodeState.Type.FUNCTION, "A.java::A", Map.of())));
        String page = page("A.java::A");
        assertTrue(page.contains("## Constructor callers\n\n- [A.java::A.make\\(\\)](A.make%28%29.md)\n"), page);
    }

    @Test
    void theTopLevelIndexLinksEveryFilesIndexAndForgetsARemovedFile() throws Exception {
        store("a.py", List.of(node("a.py", null, NodeState.Type.MODULE, null, Map.of())));
        store("pkg/b c.py", List.of(node("pkg/b c.py", null, NodeState.Type.MODULE, null, Map.of()),
                node("pkg/b c.py", "g", NodeState.Type.FUNCTION, "pkg/b c.py", Map.of())));
        assertTrue(pages.writeRootIndex(false));
        String root = Files.readString(pages.rootIndex());
        assertEquals(pages.rootIndex(), repo.resolve(".agentfs/nodes/index.md"));
        assertTrue(root.contains("- [a.py](a.py/index.md) — 1 node\n"), root);
        assertTrue(root.contains("- [pkg/b c.py](pkg/b%20c.py/index.md) — 2 nodes\n"), root);
        assertFalse(pages.writeRootIndex(false), "nothing changed: not rewritten");
        store.invalidateFile("a.py");
        store.removeFileIndex("a.py");
        pages.removeFile("a.py", List.of());
        assertTrue(pages.writeRootIndex(false));
        assertFalse(Files.readString(pages.rootIndex()).contains("a.py/index.md"));
    }
}
