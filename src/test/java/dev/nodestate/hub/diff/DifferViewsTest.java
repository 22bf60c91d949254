package dev.nodestate.hub.diff;

import static dev.nodestate.hub.diff.Snippets.file;
import static dev.nodestate.hub.diff.Snippets.function;
import static dev.nodestate.hub.diff.Snippets.node;
import static dev.nodestate.hub.diff.Snippets.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.lang.SourceTokens;
import dev.nodestate.hub.store.NodeState;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The four views of a changed node, and docstring_outdated. */
class DifferViewsTest {

    /** One Python function before and after, spanning the whole text. */
    private static DiffBundle python(String before, String sigBefore, Map<String, ?> moreBefore,
                                     String after, String sigAfter, Map<String, ?> moreAfter) {
        int endBefore = (int) before.lines().count();
        int endAfter = (int) after.lines().count();
        return only(Differ.compare(
                file("f.py", "python", before, node("f.py", "python", before, "f", NodeState.Type.FUNCTION, 1, endBefore,
                        sigBefore, moreBefore)),
                file("f.py", "python", after, node("f.py", "python", after, "f", NodeState.Type.FUNCTION, 1, endAfter,
                        sigAfter, moreAfter))));
    }

    private static DiffBundle python(String before, String sigBefore, String after, String sigAfter) {
        return python(before, sigBefore, Map.of(), after, sigAfter, Map.of());
    }

    /** Method {@code Box.size()} in class Box (lines 1..end of the text), or of an interface. */
    private static DiffBundle java(String before, String sigBefore, String after, String sigAfter, String owner) {
        return only(Differ.compare(javaFile(before, sigBefore, owner), javaFile(after, sigAfter, owner)).stream()
                .filter(b -> b.nodeType() == NodeState.Type.FUNCTION).toList());
    }

    private static FileVersion javaFile(String text, String signature, String owner) {
        int end = (int) text.lines().count();
        return file("src/Box.java", "java", text,
                node("src/Box.java", "java", text, "Box", NodeState.Type.CLASS, 1, end, owner, Map.of()),
                node("src/Box.java", "java", text, "Box.size()", NodeState.Type.FUNCTION, 2, end - 1, signature, Map.of()));
    }

    @Test
    void a_parameter_added_to_a_python_function_is_a_structural_change() {
        DiffBundle b = python("def f(a, /, b: int = 1) -> str:\n    return str(a + b)\n", "def f(a, /, b: int = 1) -> str",
                "def f(a, /, b: int = 1, *args, c=(1, 2), d: dict[str, int] = {'k,': 2}, **kw) -> str:\n    return str(a + b)\n",
                "def f(a, /, b: int = 1, *args, c=(1, 2), d: dict[str, int] = {'k,': 2}, **kw) -> str");
        assertTrue(b.structural().signatureChanged());
        assertTrue(b.structural().parametersChanged());
        assertEquals(List.of("*args", "c", "d", "**kw"), b.structural().parametersAdded());
        assertEquals(List.of(), b.structural().parametersRemoved());
        assertFalse(b.structural().returnTypeChanged());
        assertEquals("str", b.structural().newReturnType());
        assertFalse(b.structural().exportChanged());
    }

    @Test
    void a_changed_parameter_annotation_changes_the_parameters_but_adds_none() {
        DiffBundle b = python("async def f(a: int):\n    pass\n", "async def f(a: int)",
                "async def f(a: str):\n    pass\n", "async def f(a: str)");
        assertTrue(b.structural().parametersChanged());
        assertEquals(List.of(), b.structural().parametersAdded());
        assertNull(b.structural().newReturnType());
    }

    @Test
    void a_java_return_type_change_is_read_past_modifiers_and_type_parameters() {
        String before = "class Box {\n    public static <T> List<T> size(int a, Map<K, V> b) throws IOException {\n        return null;\n    }\n}\n";
        String after = before.replace("List<T> size", "Set<T> size");
        DiffBundle b = java(before, "public static <T> List<T> size(int a, Map<K, V> b) throws IOException",
                after, "public static <T> Set<T> size(int a, Map<K, V> b) throws IOException", "class Box");
        assertTrue(b.structural().returnTypeChanged());
        assertEquals("List<T>", b.structural().oldReturnType());
        assertEquals("Set<T>", b.structural().newReturnType());
        assertFalse(b.structural().parametersChanged(), "Map<K, V> b is one parameter");
        assertEquals(List.of(), b.structural().parametersAdded());
    }

    @Test
    void a_java_parameter_swap_from_a_constructor_lists_names_and_no_return_type() {
        String before = "class Box {\n    Box(final int a, String... rest) {\n    }\n}\n";
        String after = "class Box {\n    Box(final int a, long[] sizes) {\n    }\n}\n";
        DiffBundle b = java(before, "Box(final int a, String... rest)", after, "Box(final int a, long[] sizes)", "class Box");
        assertEquals(List.of("sizes"), b.structural().parametersAdded());
        assertEquals(List.of("rest"), b.structural().parametersRemoved());
        assertNull(b.structural().oldReturnType());
        assertFalse(b.structural().returnTypeChanged());
    }

    @Test
    void a_decorator_added_to_a_python_function_is_listed() {
        DiffBundle b = python("@app.get('/x')\ndef f():\n    return 1\n", "def f()", Map.of("decorators", List.of("@app.get('/x')")),
                "@app.get('/x')\n@cache\n@cache\ndef f():\n    return 1\n", "def f()",
                Map.of("decorators", List.of("@app.get('/x')", "@cache", "@cache")));
        assertEquals(List.of("@cache", "@cache"), b.structural().decoratorsAdded());
        assertEquals(List.of(), b.structural().decoratorsRemoved());
        assertFalse(b.structural().signatureChanged());
    }

    @Test
    void a_java_method_losing_public_leaves_the_public_surface() {
        String before = "class Box {\n    public int size() {\n        return 1;\n    }\n}\n";
        String after = "class Box {\n    int size() {\n        return 1;\n    }\n}\n";
        DiffBundle b = java(before, "public int size()", after, "int size()", "public class Box");
        assertTrue(b.structural().visibilityChanged());
        assertEquals("public", b.structural().oldVisibility());
        assertEquals("package", b.structural().newVisibility());
        assertTrue(b.structural().exportChanged());
    }

    @Test
    void an_interface_method_without_modifiers_is_public() {
        String before = "interface Box {\n    public int size();\n}\n";
        String after = "interface Box {\n    int size();\n}\n";
        DiffBundle b = java(before, "public int size()", after, "int size()", "public interface Box");
        assertTrue(b.structural().signatureChanged());
        assertFalse(b.structural().visibilityChanged());
        assertEquals("public", b.structural().newVisibility());
        assertFalse(b.structural().exportChanged());
    }

    @Test
    void added_control_flow_shows_in_the_complexity_and_the_branch_loop_and_try_deltas() {
        String before = "def f(rows):\n    return rows[0]\n";
        String after = """
                def f(rows):
                    try:
                        for r in rows:
                            if r and r.ok:
                                return r
                            elif r is None:
                                continue
                        while rows:
                            rows.pop()
                    except IndexError:
                        return None
                """;
        DiffBundle b = python(before, "def f(rows)", Map.of("complexity", 1), after, "def f(rows)", Map.of("complexity", 6));
        assertEquals(1, b.ast().complexityBefore());
        assertEquals(6, b.ast().complexityAfter());
        assertEquals(5, b.ast().complexityDelta());
        assertEquals(2, b.ast().branchesDelta());
        assertEquals(2, b.ast().loopsDelta());
        assertEquals(1, b.ast().tryDelta());
        assertEquals(List.of("rows.pop"), b.ast().callsAdded());
    }

    @Test
    void an_unknown_complexity_counts_as_zero_in_the_delta() {
        DiffBundle b = python("def f():\n    pass\n", "def f()", Map.of(), "def f():\n    return 1\n", "def f()",
                Map.of("complexity", 1));
        assertNull(b.ast().complexityBefore());
        assertEquals(1, b.ast().complexityDelta());
    }

    @Test
    void calls_added_and_removed_are_sorted_names_and_strings_or_comments_do_not_call() {
        DiffBundle b = python("""
                def f(self, path):
                    return load(path).strip()
                """, "def f(self, path)", """
                def f(self, path):
                    data = self.reader.read(path)  # was load(path)
                    print("strip()", data)
                    return data
                """, "def f(self, path)");
        assertEquals(List.of("print", "self.reader.read"), b.ast().callsAdded());
        assertEquals(List.of("load", "strip"), b.ast().callsRemoved());
    }

    @Test
    void python_case_counts_as_a_branch_only_where_it_is_a_match_case() {
        String source = """
                match command:
                    case [x, y]:
                        pass
                    case {"k": v} if v:
                        pass
                case = 3
                case(x)
                case: int = 4
                """;
        BodyFacts facts = BodyFacts.of("python", SourceTokens.of("python", source));
        assertEquals(3, facts.branches(), "two cases and one guard");
        assertEquals(List.of("case"), List.copyOf(facts.calls()));
    }

    @Test
    void java_calls_leave_out_declarations_annotations_and_keywords_and_include_new() {
        String source = """
                @Override
                public <T> List<T> build(int n) throws IOException {
                    super(n);
                    List<T> out = new ArrayList<>();
                    Box b = new Box(n > 0 ? n : 1);
                    this.check(b);
                    for (int i = 0; i < n; i++) { out.add(Collections.<T>emptyList()); }
                    if (a < b && c > size(d)) { return helper().run(); }
                    do { n--; } while (n > 0);
                    Map<?, ? extends T> m = null;
                    return switch (n) { case 1 -> out; default -> List.of(); };
                }
                """;
        BodyFacts facts = BodyFacts.of("java", SourceTokens.of("java", source));
        assertEquals(List.of("ArrayList", "Box", "List.of", "emptyList", "helper", "out.add", "run", "size", "this.check"),
                List.copyOf(facts.calls()));
        assertEquals(3, facts.branches(), "ternary, if, case; wildcards are not branches");
        assertEquals(2, facts.loops(), "for, and do-while once");
    }

    @Test
    void a_java_record_or_constructor_declaration_is_not_a_call() {
        String source = "record Point(int x, int y) { Point(int x) { this(x, 0); } static Point origin() { return make(); } }";
        assertEquals(List.of("make"), List.copyOf(BodyFacts.of("java", SourceTokens.of("java", source)).calls()));
    }

    @Test
    void a_comment_and_whitespace_edit_does_not_drift_but_a_rewrite_does() {
        String before = "def f(items):\n    total = 0\n    for i in items:\n        total += i.price\n    return total\n";
        String reformatted = "def f(items):\n    # sum the prices\n    total = 0\n\n    for i in items:   # each\n        total += i.price\n    return total\n";
        String rewritten = "def f(items):\n    with open(items) as fh:\n        return json.load(fh)[\"total\"]\n";
        DiffBundle same = python(before, "def f(items)", reformatted, "def f(items)");
        assertEquals(0.0, same.embedding().drift(), 1e-9);
        assertEquals("hashed-tokens-v1", same.embedding().vectoriser());
        assertEquals(3, same.standard().linesAdded(), "the view of lines still sees the edit");
        DiffBundle rewrite = python(before, "def f(items)", rewritten, "def f(items)");
        assertTrue(rewrite.embedding().drift() > 0.5, "drift " + rewrite.embedding().drift());
    }

    @Test
    void a_changed_signature_under_an_unchanged_docstring_marks_the_docstring_outdated() {
        String before = "def f(a):\n    \"\"\"Adds one to a.\"\"\"\n    return a + 1\n";
        String after = "def f(a, b):\n    \"\"\"Adds one to a.\"\"\"\n    return a + b\n";
        Map<String, String> doc = Map.of("docstring", "Adds one to a.");
        assertTrue(python(before, "def f(a)", doc, after, "def f(a, b)", doc).docstringOutdated());
        DiffBundle rewritten = python(before, "def f(a)", doc, after.replace("one to a", "b to a"), "def f(a, b)",
                Map.of("docstring", "Adds b to a."));
        assertTrue(rewritten.structural().docstringChanged());
        assertFalse(rewritten.docstringOutdated());
        assertFalse(python(before, "def f(a)", after, "def f(a, b)").docstringOutdated(), "no docstring, nothing outdated");
        assertFalse(python(before, "def f(a)", doc, before.replace("+ 1", "+ 2"), "def f(a)", doc).docstringOutdated(),
                "the signature did not change");
    }

    @Test
    void the_hunk_is_unified_with_file_line_numbers_and_three_lines_of_context() {
        String body = "def f(x):\n    a = 1\n    b = 2\n    c = 3\n    d = 4\n    e = 5\n    g = 6\n    h = 7\n    return x\n";
        String before = "# l1\n\n" + body;
        String after = "# l1\n# l2\n\n" + body.replace("e = 5", "e = 50");
        DiffBundle b = only(Differ.compare(
                file("h.py", "python", before, function("h.py", "python", before, "f", 3, 11, "def f(x)")),
                file("h.py", "python", after, function("h.py", "python", after, "f", 4, 12, "def f(x)"))));
        assertEquals("""
                @@ -5,7 +6,7 @@
                     b = 2
                     c = 3
                     d = 4
                -    e = 5
                +    e = 50
                     g = 6
                     h = 7
                     return x
                """, b.standard().hunk());
        assertEquals(1, b.standard().linesAdded());
        assertEquals(1, b.standard().linesRemoved());
    }

    @Test
    void distant_changes_get_separate_hunks_and_near_ones_share_one() {
        List<String> a = IntStream.rangeClosed(1, 20).mapToObj(i -> "l" + i).toList();
        List<String> far = a.stream().map(s -> s.equals("l2") || s.equals("l19") ? s + "!" : s).toList();
        String twoHunks = LineDiff.of(a, 1, far, 1).hunk();
        assertEquals(2, twoHunks.lines().filter(l -> l.startsWith("@@")).count(), twoHunks);
        assertTrue(twoHunks.startsWith("@@ -1,5 +1,5 @@\n l1\n-l2\n+l2!\n l3\n"), twoHunks);
        assertTrue(twoHunks.contains("@@ -16,5 +16,5 @@\n"), twoHunks);
        List<String> near = a.stream().map(s -> s.equals("l2") || s.equals("l9") ? s + "!" : s).toList();
        assertEquals(1, LineDiff.of(a, 1, near, 1).hunk().lines().filter(l -> l.startsWith("@@")).count());
        List<String> inserted = a.subList(0, 3);
        assertEquals("@@ -1,3 +1,2 @@\n l1\n-l2\n l3\n", LineDiff.of(inserted, 1, List.of("l1", "l3"), 1).hunk());
        assertEquals("@@ -10,2 +10,3 @@\n l1\n l2\n+new\n", LineDiff.of(List.of("l1", "l2"), 10, List.of("l1", "l2", "new"), 10).hunk());
        assertEquals("@@ -11,0 +12,1 @@\n+new\n", LineDiff.of(List.of(), 12, List.of("new"), 12).hunk(),
                "a side without lines starts at the line before");
    }

    @Test
    void a_long_hunk_is_cut_at_two_hundred_lines_with_a_note() {
        List<String> a = IntStream.range(0, 250).mapToObj(i -> "old " + i).toList();
        List<String> b = IntStream.range(0, 250).mapToObj(i -> "new " + i).toList();
        LineDiff.Result r = LineDiff.of(a, 1, b, 1);
        assertEquals(250, r.added());
        assertEquals(250, r.removed());
        List<String> lines = r.hunk().lines().toList();
        assertEquals(201, lines.size());
        assertEquals("@@ -1,250 +1,250 @@", lines.get(0));
        assertEquals("... 301 more lines", lines.get(200));
    }

    @Test
    void the_line_diff_finds_a_shortest_edit_script() {
        List<String> a = List.of("a", "b", "c", "a", "b", "b", "a");
        List<String> b = List.of("c", "b", "a", "b", "a", "c");
        LineDiff.Result r = LineDiff.of(a, 1, b, 1);
        assertEquals(5, r.added() + r.removed(), "Myers' example: D = 5");
        String rebuilt = LineDiff.edits(a, b).stream().filter(e -> e.op() != LineDiff.Op.DELETE)
                .map(e -> e.op() == LineDiff.Op.EQUAL ? a.get(e.oldIndex()) : b.get(e.newIndex())).collect(Collectors.joining());
        assertEquals(String.join("", b), rebuilt);
    }

    @Test
    void without_the_file_text_the_line_and_semantic_views_are_null() {
        NodeState before = function("f.py", "python", "def f(a):\n    pass\n", "f", 1, 2, "def f(a)");
        NodeState after = function("f.py", "python", "def f(a, b):\n    pass\n", "f", 1, 2, "def f(a, b)");
        DiffBundle b = only(Differ.compare(new FileVersion("f.py", "python", null, List.of(before)),
                new FileVersion("f.py", "python", "def f(a, b):\n    pass\n", List.of(after))));
        assertNull(b.standard());
        assertNull(b.embedding());
        assertEquals(List.of("b"), b.structural().parametersAdded());
    }
}
