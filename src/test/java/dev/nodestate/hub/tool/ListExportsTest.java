package dev.nodestate.hub.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.nodestate.hub.SharedRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tools/list_exports.pym on real code: python3's textwrap.py and commons-lang3's ToStringStyle.java. */
class ListExportsTest {

    @TempDir
    Path repo;

    private JsonNode run(String tool, String file) throws Exception {
        Externals externals = HostExternals.standard(repo);
        PymTool t = Tools.check(tool, Files.readString(Path.of("tools", tool + ".pym")), externals);
        assertFalse(t.broken(), t.findings().toString());
        return new ToolHost(SharedRuntime.get()).run(t, Map.of("file_paths", JsonNodeFactory.instance.arrayNode().add(file)),
                externals, null).value().get(0);
    }

    /** Every node id the extractor gives the file: exports must name real nodes. */
    private Set<String> nodeIds(String extractor, String file) throws Exception {
        Set<String> ids = new HashSet<>();
        for (JsonNode n : run(extractor, file).path("nodes")) {
            ids.add(file + "::" + n.path("name").asText());
        }
        return ids;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    @Test
    void a_python_module_with_all_exports_exactly_its_listed_functions_and_classes_and_their_public_methods() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import textwrap; print(textwrap.__file__)").start();
        Path source = Path.of(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        assertEquals(0, p.waitFor());
        Files.copy(source, repo.resolve("textwrap.py"));
        JsonNode out = run("list_exports", "textwrap.py");
        assertEquals("__all__", out.path("from").asText());
        assertEquals(List.of("textwrap.py::TextWrapper", "textwrap.py::wrap", "textwrap.py::fill", "textwrap.py::dedent",
                "textwrap.py::indent", "textwrap.py::shorten"), texts(out.path("module")));
        List<String> methods = texts(out.path("classes").path("textwrap.py::TextWrapper"));
        assertTrue(methods.containsAll(List.of("textwrap.py::TextWrapper.__init__", "textwrap.py::TextWrapper.wrap",
                "textwrap.py::TextWrapper.fill")), methods.toString());
        assertTrue(methods.stream().noneMatch(m -> m.contains("._")  && !m.endsWith(".__init__")), methods.toString());
        Set<String> nodes = nodeIds("extract_signatures", "textwrap.py");
        assertTrue(nodes.containsAll(texts(out.path("module"))) && nodes.containsAll(methods), "exports are node ids");
    }

    @Test
    void a_java_public_method_of_a_package_private_class_is_hidden_with_the_reason() throws Exception {
        Files.writeString(repo.resolve("Range.java"), "final class Range {\n    public static Range of(int a) { return null; }\n"
                + "    public static class Inner {\n        public void go() {}\n    }\n}\n");
        JsonNode out = run("list_exports", "Range.java");
        assertEquals(List.of(), texts(out.path("module")));
        assertEquals("package-private", out.path("hidden").path("Range.java::Range").asText(), out.toString());
        assertEquals("inside package-private Range", out.path("hidden").path("Range.java::Range.Inner").asText(), out.toString());
    }

    @Test
    void a_python_module_without_all_exports_its_public_top_level_names() throws Exception {
        Files.writeString(repo.resolve("m.py"), "import os\nfrom re import compile\nLIMIT = 3\n_hidden = 1\n"
                + "def run():\n    pass\n\ndef _helper():\n    pass\n\nclass Job:\n    def go(self):\n        pass\n"
                + "    def _step(self):\n        pass\n");
        JsonNode out = run("list_exports", "m.py");
        assertEquals("public names", out.path("from").asText());
        assertEquals(List.of("m.py::run", "m.py::Job"), texts(out.path("module")));
        assertEquals(List.of("LIMIT"), texts(out.path("names")), "imports are not exports");
        assertEquals(List.of("m.py::Job.go"), texts(out.path("classes").path("m.py::Job")));
    }

    @Test
    void a_java_class_exports_its_public_and_protected_members_and_hides_private_nested_classes() throws Exception {
        Path source = Path.of("target/reference/commons-lang3/org/apache/commons/lang3/builder/ToStringStyle.java");
        Files.createDirectories(repo.resolve("b"));
        Files.copy(source, repo.resolve("b/ToStringStyle.java"));
        String file = "b/ToStringStyle.java";
        JsonNode out = run("list_exports", file);
        assertEquals(List.of(file + "::ToStringStyle"), texts(out.path("module")));
        Set<String> classes = new HashSet<>();
        out.path("classes").fieldNames().forEachRemaining(classes::add);
        assertEquals(Set.of(file + "::ToStringStyle"), classes, "the private nested styles are not exported");
        assertEquals("private", out.path("hidden").path(file + "::ToStringStyle.JsonToStringStyle").asText(), out.path("hidden").toString());
        assertFalse(out.path("hidden").has(file + "::ToStringStyle"), "the public class is not hidden");
        List<String> members = texts(out.path("classes").path(file + "::ToStringStyle"));
        assertTrue(members.contains(file + "::ToStringStyle.append(StringBuffer,String,Object,Boolean)"), members.toString());
        assertTrue(members.contains(file + "::ToStringStyle.appendDetail(StringBuffer,String,Object)"), "protected counts");
        String text = Files.readString(source);
        long declaredVisible = java.util.regex.Pattern.compile("(?m)^    (public|protected) (?!static final [A-Z_]+ =)(?!.*class )[^=;(\\n]*\\(")
                .matcher(text).results().count();
        assertEquals(declaredVisible, members.size(), "every public or protected method or constructor of the outer class");
        Set<String> nodes = nodeIds("extract_java", file);
        assertTrue(nodes.containsAll(members), "exports are node ids");
    }
}
