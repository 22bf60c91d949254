package dev.nodestate.hub.diff;

import static dev.nodestate.hub.diff.Snippets.file;
import static dev.nodestate.hub.diff.Snippets.function;
import static dev.nodestate.hub.diff.Snippets.node;
import static dev.nodestate.hub.diff.Snippets.nodes;
import static dev.nodestate.hub.diff.Snippets.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.diff.DiffBundle.Kind;
import dev.nodestate.hub.store.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which nodes get a bundle, and of what kind. */
class DifferTest {

    private static final String TWO = """
            def first():
                return 1


            def second(x):
                return x * 2
            """;

    private static FileVersion two(String text, int shift) {
        return file("m.py", "python", text,
                function("m.py", "python", text, "first", 1 + shift, 2 + shift, "def first()"),
                function("m.py", "python", text, "second", 5 + shift, 6 + shift, "def second(x)"));
    }

    @Test
    void nodes_only_shifted_by_an_edit_above_them_yield_no_bundle() {
        String shifted = "# a new header comment\n" + TWO;
        List<DiffBundle> bundles = Differ.compare(two(TWO, 0), two(shifted, 1));
        assertEquals(List.of(), nodes(bundles));
        DiffBundle module = bundles.get(0);
        assertEquals(Kind.CHANGED, module.kind());
        assertEquals("m.py", module.nodeId());
        assertEquals(1, module.standard().linesAdded());
    }

    @Test
    void identical_versions_yield_nothing_at_all() {
        assertEquals(List.of(), Differ.compare(two(TWO, 0), two(TWO, 0)));
    }

    @Test
    void a_complexity_change_alone_is_a_change() {
        FileVersion before = two(TWO, 0);
        List<NodeState> nodes = new ArrayList<>(before.nodes());
        nodes.set(1, nodes.get(1).with(Map.of("complexity", 2)));
        DiffBundle b = only(Differ.compare(before, new FileVersion("m.py", "python", TWO, nodes)));
        assertEquals(Kind.CHANGED, b.kind());
        assertEquals("m.py::first", b.nodeId());
        assertEquals(0, b.standard().linesAdded());
        assertEquals("", b.standard().hunk());
    }

    @Test
    void added_and_removed_functions_are_reported_with_their_side_only() {
        String before = """
                def load(path):
                    return read_config(path)
                """;
        String after = """
                def dump(rows, out):
                    with open(out, "w") as f:
                        for row in rows:
                            print(row, file=f)
                """;
        List<DiffBundle> bundles = nodes(Differ.compare(
                file("io.py", "python", before, function("io.py", "python", before, "load", 1, 2, "def load(path)")),
                file("io.py", "python", after, function("io.py", "python", after, "dump", 1, 4, "def dump(rows, out)"))));
        assertEquals(List.of(Kind.ADDED, Kind.REMOVED), bundles.stream().map(DiffBundle::kind).toList());
        DiffBundle added = bundles.get(0);
        assertEquals("io.py::dump", added.nodeId());
        assertNull(added.previousId());
        assertNull(added.structural().oldSignature());
        assertEquals("def dump(rows, out)", added.structural().newSignature());
        assertFalse(added.structural().signatureChanged(), "nothing to compare with");
        assertEquals(List.of("rows", "out"), added.structural().parametersAdded());
        assertTrue(added.structural().exportChanged(), "a public function joined the surface");
        assertEquals(4, added.standard().linesAdded());
        assertTrue(added.standard().hunk().startsWith("@@ -0,0 +1,4 @@\n+def dump(rows, out):\n"), added.standard().hunk());
        assertEquals(List.of("open", "print"), added.ast().callsAdded());
        assertEquals(1, added.ast().loopsDelta());
        assertEquals(1.0, added.embedding().drift());
        DiffBundle removed = bundles.get(1);
        assertEquals("io.py::load", removed.nodeId());
        assertEquals(2, removed.standard().linesRemoved());
        assertEquals(List.of("read_config"), removed.ast().callsRemoved());
        assertEquals(List.of("path"), removed.structural().parametersRemoved());
        assertEquals("public", removed.structural().oldVisibility());
        assertNull(removed.structural().newVisibility());
    }

    @Test
    void a_new_file_adds_every_node_and_a_deleted_file_removes_them() {
        List<DiffBundle> created = Differ.compare(null, two(TWO, 0));
        assertEquals(List.of(Kind.ADDED, Kind.ADDED, Kind.ADDED), created.stream().map(DiffBundle::kind).toList());
        List<DiffBundle> deleted = Differ.compare(two(TWO, 0), null);
        assertEquals(List.of("m.py", "m.py::first", "m.py::second"), deleted.stream().map(DiffBundle::nodeId).toList());
        assertTrue(deleted.stream().allMatch(b -> b.kind() == Kind.REMOVED));
        assertThrows(IllegalArgumentException.class, () -> Differ.compare(null, null));
    }

    private static final String TWO_CLASSES = """
            class Reader:
                def run(self, path):
                    return open(path).read()


            class Writer:
                pass
            """;

    private static final String RUN_MOVED = """
            class Reader:
                pass


            class Writer:
                def run(self, path):
                    return open(path).read()
            """;

    @Test
    void a_method_moved_to_another_class_is_one_moved_bundle() {
        FileVersion before = file("rw.py", "python", TWO_CLASSES,
                node("rw.py", "python", TWO_CLASSES, "Reader", NodeState.Type.CLASS, 1, 3, "class Reader", Map.of()),
                function("rw.py", "python", TWO_CLASSES, "Reader.run", 2, 3, "def run(self, path)"),
                node("rw.py", "python", TWO_CLASSES, "Writer", NodeState.Type.CLASS, 6, 7, "class Writer", Map.of()));
        FileVersion after = file("rw.py", "python", RUN_MOVED,
                node("rw.py", "python", RUN_MOVED, "Reader", NodeState.Type.CLASS, 1, 2, "class Reader", Map.of()),
                node("rw.py", "python", RUN_MOVED, "Writer", NodeState.Type.CLASS, 5, 7, "class Writer", Map.of()),
                function("rw.py", "python", RUN_MOVED, "Writer.run", 6, 7, "def run(self, path)"));
        List<DiffBundle> bundles = nodes(Differ.compare(before, after));
        DiffBundle moved = bundles.stream().filter(b -> b.kind() == Kind.MOVED).findFirst().orElseThrow();
        assertEquals("rw.py::Writer.run", moved.nodeId());
        assertEquals("rw.py::Reader.run", moved.previousId());
        assertEquals(0, moved.standard().linesAdded());
        assertEquals(0.0, moved.embedding().drift(), 1e-9);
        assertFalse(moved.structural().signatureChanged());
        assertEquals(List.of(Kind.CHANGED, Kind.CHANGED, Kind.MOVED),
                bundles.stream().map(DiffBundle::kind).toList(), "both classes changed, no added or removed run");
    }

    @Test
    void a_function_moved_to_another_file_pairs_across_files_by_source_hash() {
        String aBefore = "def keep():\n    return 0\n\n\ndef util(x):\n    return x + 1\n";
        String aAfter = "def keep():\n    return 0\n";
        String bBefore = "import a\n";
        String bAfter = "import a\n\n\ndef util(x):\n    return x + 1\n";
        List<DiffBundle> batch = new ArrayList<>();
        batch.addAll(Differ.compare(
                file("a.py", "python", aBefore, function("a.py", "python", aBefore, "keep", 1, 2, "def keep()"),
                        function("a.py", "python", aBefore, "util", 5, 6, "def util(x)")),
                file("a.py", "python", aAfter, function("a.py", "python", aAfter, "keep", 1, 2, "def keep()"))));
        batch.addAll(Differ.compare(file("pkg/b.py", "python", bBefore),
                file("pkg/b.py", "python", bAfter, function("pkg/b.py", "python", bAfter, "util", 4, 5, "def util(x)"))));
        assertEquals(2, nodes(batch).size(), "compare alone sees a removal and an addition");

        List<DiffBundle> paired = Differ.pairAcrossFiles(batch);
        DiffBundle moved = only(paired);
        assertEquals(Kind.MOVED, moved.kind());
        assertEquals("pkg/b.py::util", moved.nodeId());
        assertEquals("a.py::util", moved.previousId());
        assertEquals("pkg/b.py", moved.file());
        assertEquals(List.of(), moved.structural().parametersAdded());
        assertFalse(moved.structural().exportChanged());
        assertEquals(0.0, moved.embedding().drift());
        assertEquals(List.of("a.py", "pkg/b.py"), paired.stream().filter(b -> b.nodeType() == NodeState.Type.MODULE)
                .map(DiffBundle::nodeId).toList(), "module changes stay");
    }

    @Test
    void a_renamed_file_pairs_its_module_and_its_functions() {
        List<DiffBundle> batch = new ArrayList<>();
        batch.addAll(Differ.compare(two(TWO, 0), null));
        batch.addAll(Differ.compare(null, file("n.py", "python", TWO,
                function("n.py", "python", TWO, "first", 1, 2, "def first()"),
                function("n.py", "python", TWO, "second", 5, 6, "def second(x)"))));
        List<DiffBundle> paired = Differ.pairAcrossFiles(batch);
        assertEquals(List.of("n.py <- m.py", "n.py::first <- m.py::first", "n.py::second <- m.py::second"),
                paired.stream().map(b -> b.kind() == Kind.MOVED ? b.nodeId() + " <- " + b.previousId() : b.toString()).toList());
    }

    @Test
    void removed_and_added_nodes_in_the_same_file_are_not_paired_again_across_files() {
        List<DiffBundle> batch = List.of(
                new DiffBundle("a.py::f", Kind.REMOVED, null, "a.py", "python", NodeState.Type.FUNCTION, null, null, null, null,
                        false, "h1"),
                new DiffBundle("a.py::g", Kind.ADDED, null, "a.py", "python", NodeState.Type.FUNCTION, null, null, null, null,
                        false, "h1"));
        assertEquals(batch, Differ.pairAcrossFiles(batch));
    }

    @Test
    void a_function_renamed_with_the_same_body_is_renamed_not_added_and_removed() {
        String before = """
                def compute_sum(values):
                    total = 0
                    for v in values:
                        total += v
                    return total
                """;
        String after = before.replace("compute_sum", "_add_all");
        DiffBundle b = only(Differ.compare(
                file("s.py", "python", before, function("s.py", "python", before, "compute_sum", 1, 5, "def compute_sum(values)")),
                file("s.py", "python", after, function("s.py", "python", after, "_add_all", 1, 5, "def _add_all(values)"))));
        assertEquals(Kind.RENAMED, b.kind());
        assertEquals("s.py::_add_all", b.nodeId());
        assertEquals("s.py::compute_sum", b.previousId());
        assertTrue(b.structural().signatureChanged());
        assertEquals(List.of(), b.structural().parametersAdded());
        assertTrue(b.structural().visibilityChanged());
        assertEquals("public", b.structural().oldVisibility());
        assertEquals("private", b.structural().newVisibility());
        assertTrue(b.structural().exportChanged());
    }

    @Test
    void a_removed_and_an_added_function_with_different_bodies_are_not_a_rename() {
        String before = "def a(items):\n    return sorted(items, key=len)\n";
        String after = "def b(path):\n    with open(path) as f:\n        return f.read()\n";
        List<DiffBundle> bundles = nodes(Differ.compare(
                file("s.py", "python", before, function("s.py", "python", before, "a", 1, 2, "def a(items)")),
                file("s.py", "python", after, function("s.py", "python", after, "b", 1, 3, "def b(path)"))));
        assertEquals(List.of(Kind.ADDED, Kind.REMOVED), bundles.stream().map(DiffBundle::kind).toList());
    }

    @Test
    void bundles_carry_the_source_hash_and_serialise_with_snake_case_names() throws Exception {
        DiffBundle b = Differ.compare(null, two(TWO, 0)).get(1);
        assertEquals(Snippets.sha256("def first():\n    return 1"), b.sourceHash());
        JsonNode json = new ObjectMapper().valueToTree(b);
        assertEquals("added", json.get("kind").asText());
        assertEquals(b.sourceHash(), json.get("source_hash").asText());
        assertTrue(json.get("diff_standard").has("lines_added"));
        assertTrue(json.get("diff_structural").has("parameters_added"));
        assertTrue(json.has("docstring_outdated"));
        assertEquals(b, new ObjectMapper().treeToValue(json, DiffBundle.class));
    }
}
