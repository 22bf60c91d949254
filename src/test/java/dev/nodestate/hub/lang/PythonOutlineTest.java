package dev.nodestate.hub.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oracle.graal.python.pegparser.sst.SSTNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PythonOutline} rests on GraalPy's internal parser. These tests hold its tree to CPython's {@code ast}
 * (so an upgrade that changes the tree's shape fails here, loudly and by name) and pin the outline's own
 * conventions on the cases that are easy to get wrong.
 */
class PythonOutlineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PythonOutline.Part> ALL = EnumSet.allOf(PythonOutline.Part.class);

    @TempDir
    Path tmp;

    private static String python(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", "-c", script));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** CPython's name for a parser node class: ExprTy.Name -> Name, ArgumentsTy -> arguments, MatchCaseTy -> match_case. */
    private static String astName(Class<?> type) {
        String name = type.getSimpleName();
        if (!name.endsWith("Ty")) {
            return name;
        }
        String base = name.substring(0, name.length() - 2);
        return base.equals("WithItem") ? "withitem" : base.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
    }

    /** The tree in pre-order as CPython node names, walking {@link PythonOutline#children} (the walk the tools rely on). */
    private static List<String> preorder(String source) {
        List<String> out = new ArrayList<>();
        ArrayDeque<SSTNode> stack = new ArrayDeque<>();
        stack.push(PythonOutline.parse(source));
        while (!stack.isEmpty()) {
            SSTNode n = stack.pop();
            out.add(astName(n.getClass()));
            List<SSTNode> kids = PythonOutline.children(n);
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack.push(kids.get(i));
            }
        }
        return out;
    }

    private static final String CPYTHON_PREORDER = """
            import ast, json, sys
            LEAVES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.type_ignore)
            def walk(node, out):
                out.append(type(node).__name__)
                for child in ast.iter_child_nodes(node):
                    if not isinstance(child, LEAVES):
                        walk(child, out)
                return out
            root = sys.argv[1]
            print(json.dumps({f: walk(ast.parse(open(root + '/' + f, encoding='utf-8').read()), []) for f in sys.argv[2:]}))
            """;

    @Test
    void the_parser_tree_walked_by_the_outline_has_cpythons_node_types_in_cpythons_order_on_real_packages() throws Exception {
        Path root = Path.of(python("import json, os; print(os.path.dirname(os.path.dirname(json.__file__)))").strip());
        List<String> files = new ArrayList<>();
        for (String pkg : List.of("email", "json", "asyncio")) {
            try (Stream<Path> s = Files.list(root.resolve(pkg))) {
                s.filter(f -> f.toString().endsWith(".py")).map(f -> root.relativize(f).toString()).sorted().forEach(files::add);
            }
        }
        files.addAll(List.of("dataclasses.py", "typing.py", "argparse.py", "inspect.py"));
        List<String> args = new ArrayList<>(List.of(root.toString()));
        args.addAll(files);
        JsonNode expected = JSON.readTree(python(CPYTHON_PREORDER, args.toArray(String[]::new)));
        long nodes = 0;
        for (String f : files) {
            List<String> got = preorder(Files.readString(root.resolve(f)));
            List<String> want = JSON.convertValue(expected.get(f), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
            int i = 0;
            while (i < Math.min(got.size(), want.size()) && got.get(i).equals(want.get(i))) {
                i++;
            }
            assertTrue(i == got.size() && i == want.size(), "GraalPy " + PythonOutline.GRAALPY_VERSION + "'s parser tree no longer matches "
                    + "CPython's ast in " + f + " at node " + i + ": " + got.subList(Math.max(0, i - 3), Math.min(got.size(), i + 3))
                    + " vs " + want.subList(Math.max(0, i - 3), Math.min(want.size(), i + 3))
                    + " (lang.PythonOutline depends on the child order: fix it for the new parser)");
            nodes += got.size();
        }
        assertTrue(nodes > 50_000, "expected a real tree, walked " + nodes + " nodes");
    }

    @Test
    void syntax_errors_come_back_with_the_line_cpython_gives_and_no_definitions() throws Exception {
        Map<String, String> snippets = new LinkedHashMap<>();
        snippets.put("missing paren", "def f(:\n    pass\n");
        snippets.put("unexpected indent", "x = 1\n    y = 2\n");
        snippets.put("missing colon", "def ok():\n    pass\n\nif x\n    pass\n");
        snippets.put("unclosed bracket", "a = [1,\n     2,\n\ndef g():\n    pass\n");
        snippets.put("bad assignment", "def h():\n    return 1\nf() = 3\n");
        snippets.put("unterminated string", "s = 'abc\n");
        snippets.put("missing colon, same line", "class K(object) pass\n");
        snippets.put("missing colon after a comment", "for i in range(3)  # loop\n\n    pass\n");
        snippets.put("unexpected indent after blank lines", "import os\n\n# c\n\n        os.sep\n");
        snippets.put("unindent mismatch", "def f():\n        a = 1\n    b = 2\n");
        List<String> args = new ArrayList<>();
        for (String s : snippets.values()) {
            Path file = tmp.resolve("s" + args.size() + ".py");
            Files.writeString(file, s);
            args.add(file.toString());
        }
        JsonNode lines = JSON.readTree(python("""
                import ast, json, sys
                out = []
                for f in sys.argv[1:]:
                    try:
                        ast.parse(open(f).read())
                        out.append(None)
                    except SyntaxError as e:
                        out.append(e.lineno)
                print(json.dumps(out))
                """, args.toArray(String[]::new)));
        int i = 0;
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : snippets.entrySet()) {
            ObjectNode o = new PythonOutline().outline(e.getValue(), ALL);
            assertTrue(o.path("error").isObject(), e.getKey() + ": expected a syntax error, got " + o);
            assertTrue(!o.path("error").path("message").asText().isBlank(), e.getKey() + ": no message");
            assertEquals(0, o.path("defs").size(), e.getKey());
            int want = lines.get(i++).asInt();
            if (o.path("error").path("line").asInt() != want) {
                wrong.add(e.getKey() + ": " + o.path("error") + ", CPython says line " + want);
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void definitions_are_named_as_node_ids_with_repeats_numbered_and_texts_sliced_after_non_ascii_source() {
        String source = """
                class C:
                    @property
                    def x(self):
                        \"\"\"\tTabbed\tdoc.

                        More.\"\"\"
                        return 1

                    @x.setter
                    def x(self, v): pass

                if True:
                    def f(): pass
                else:
                    def f(): pass

                def outer(a, /, b: int = 2, *args, c, d=None, **kw) -> "C":
                    async def inner(): pass
                    return inner
                def g(µ="é", b: int = 1): pass
                """;
        ObjectNode o = new PythonOutline().outline(source, ALL);
        assertTrue(o.get("error").isNull(), String.valueOf(o.get("error")));
        List<String> names = new ArrayList<>();
        o.get("defs").forEach(d -> names.add(d.get("name").asText()));
        assertEquals(List.of("C", "C.x", "C.x#2", "f", "f#2", "outer", "outer.inner", "g"), names);
        JsonNode getter = o.get("defs").get(1);
        assertEquals("method", getter.get("kind").asText());
        assertEquals(2, getter.get("start_line").asInt(), "a decorated def starts at its first decorator");
        assertEquals(3, getter.get("line").asInt());
        assertEquals("Tabbed  doc.", getter.get("docstring").asText(), "tabs expand to the next multiple of 8 as in inspect.cleandoc");
        assertEquals("@x.setter", o.get("defs").get(2).get("decorators").get(0).asText());
        assertTrue(!o.get("defs").get(3).get("direct").asBoolean(), "a def under if is not direct");
        JsonNode outer = o.get("defs").get(5);
        List<String> kinds = new ArrayList<>();
        outer.get("params").forEach(p -> kinds.add(p.get("name").asText() + ":" + p.get("kind").asText()));
        assertEquals(List.of("a:posonly", "b:arg", "args:vararg", "c:kwonly", "d:kwonly", "kw:kwarg"), kinds);
        assertEquals("int", outer.get("params").get(1).get("annotation").asText());
        assertEquals("2", outer.get("params").get(1).get("default").asText());
        assertEquals("\"C\"", outer.get("returns").asText());
        assertTrue(o.get("defs").get(6).get("async").asBoolean());
        JsonNode g = o.get("defs").get(7);
        assertEquals(20, g.get("line").asInt());
        assertEquals("\"é\"", g.get("params").get(0).get("default").asText());
        assertEquals("int", g.get("params").get(1).get("annotation").asText(), "text after non-ASCII source is sliced by code point");
        assertEquals("1", g.get("params").get(1).get("default").asText());
    }

    @Test
    void a_byte_order_mark_does_not_shift_columns_and_imports_under_control_flow_are_not_top_level() {
        String source = "\uFEFFdef f(): return os.sep\nimport os\ntry:\n    import json as j\nexcept ImportError:\n    from . import x\n";
        ObjectNode o = new PythonOutline().outline(source, ALL);
        assertTrue(o.get("error").isNull(), String.valueOf(o.get("error")));
        List<String> imports = new ArrayList<>();
        o.get("imports").forEach(i -> imports.add(i.get("module").asText("-") + " " + i.get("name").asText() + " "
                + i.get("as").asText("-") + " " + i.get("top").asBoolean()));
        assertEquals(List.of("- os - true", "- json j false", ". x - false"), imports);
        JsonNode f = o.get("defs").get(0);
        assertEquals(1, f.get("line").asInt());
        assertEquals(0, f.get("col").asInt(), "the BOM is not a column");
        assertEquals("[\"os\"]", f.get("mentions").toString());
        assertEquals("[\"os\"]", f.get("reads").get("loads").toString());
    }
}
