package dev.nodestate.hub.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JavaReferences} on real code: commons-lang3 3.17.0's tuple package ({@code Pair},
 * {@code ImmutablePair}, {@code MutablePair}) with {@code builder/EqualsBuilder} under
 * {@code src/main/java}, and two of its tests under {@code src/test/java}. Left out on purpose:
 * {@code builder/CompareToBuilder} and the {@code function} package (which {@code Pair} imports) and
 * JUnit (which the tests import), so some calls cannot be solved. Every expected id and line below
 * was read off the 3.17.0 sources.
 */
class JavaReferencesTest {

    static final Path MAIN = Path.of("target/reference/commons-lang3/org/apache/commons/lang3");
    static final Path TESTS = Path.of("target/reference/commons-lang3-tests/org/apache/commons/lang3");
    static final String PAIR = "src/main/java/org/apache/commons/lang3/tuple/Pair.java";
    static final String IMMUTABLE_PAIR = "src/main/java/org/apache/commons/lang3/tuple/ImmutablePair.java";
    static final String PAIR_TEST = "src/test/java/org/apache/commons/lang3/tuple/PairTest.java";
    static final String IMMUTABLE_PAIR_TEST = "src/test/java/org/apache/commons/lang3/tuple/ImmutablePairTest.java";

    @TempDir
    Path repo;

    JavaReferences refs;

    @BeforeEach
    void copyCommonsLang() throws IOException {
        assertTrue(Files.isDirectory(MAIN) && Files.isDirectory(TESTS),
                "commons-lang3 sources missing under target/reference: run 'mvn generate-test-resources'");
        for (String f : List.of("tuple/Pair.java", "tuple/ImmutablePair.java", "tuple/MutablePair.java", "builder/EqualsBuilder.java")) {
            copy(MAIN.resolve(f), "src/main/java/org/apache/commons/lang3/" + f);
        }
        for (String f : List.of("tuple/PairTest.java", "tuple/ImmutablePairTest.java")) {
            copy(TESTS.resolve(f), "src/test/java/org/apache/commons/lang3/" + f);
        }
        Files.createDirectories(repo.resolve("target/classes/org/x"));
        Files.writeString(repo.resolve("target/classes/org/x/Ignored.java"), "package org.x; class Ignored { void of(int a, int b) {} }");
        refs = new JavaReferences(repo);
    }

    private void copy(Path from, String to) throws IOException {
        Path target = repo.resolve(to);
        Files.createDirectories(target.getParent());
        Files.copy(from, target);
    }

    private ObjectNode references(String path) throws IOException {
        return refs.references(path, Files.readString(repo.resolve(path)));
    }

    /** The call of {@code owner} on the line holding {@code snippet} whose text is {@code call}, else the first that starts with it. */
    private JsonNode call(JsonNode out, String owner, String path, String snippet, String call) throws IOException {
        int line = lineOf(path, snippet);
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode c : out.path("calls").path(owner)) {
            if (c.path("line").asInt() == line && c.path("text").asText().startsWith(call)) {
                found.add(c);
            }
        }
        assertFalse(found.isEmpty(), "no call '" + call + "' in " + owner + " on line " + line + ": " + out.path("calls").path(owner));
        return found.stream().filter(c -> c.path("text").asText().equals(call)).findFirst().orElse(found.getFirst());
    }

    private int lineOf(String path, String snippet) throws IOException {
        List<String> lines = Files.readAllLines(repo.resolve(path));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(snippet)) {
                return i + 1;
            }
        }
        throw new AssertionError("'" + snippet + "' is not in " + path);
    }

    @Test
    void a_static_call_to_another_file_is_solved_to_the_overload_it_calls() throws IOException {
        JsonNode out = references(PAIR);
        assertTrue(out.path("error").isNull());
        // Pair.of(Map.Entry) delegates to ImmutablePair.of(Map.Entry), not to its neighbour of(L, R)
        JsonNode c = call(out, "Pair.of(Map.Entry)", PAIR, "return ImmutablePair.of(pair);", "ImmutablePair.of(pair)");
        assertEquals(IMMUTABLE_PAIR + "::ImmutablePair.of(Map.Entry)", c.path("target").asText());
        assertEquals("solved", c.path("how").asText());
        assertEquals("of", c.path("name").asText());
        assertEquals(1, c.path("arity").asInt());
        JsonNode two = call(out, "Pair.of(L,R)", PAIR, "return ImmutablePair.of(left, right);", "ImmutablePair.of(");
        assertEquals(IMMUTABLE_PAIR + "::ImmutablePair.of(L,R)", two.path("target").asText());
    }

    @Test
    void a_constructor_call_points_at_the_constructor_and_a_field_initializer_belongs_to_its_type() throws IOException {
        JsonNode out = references(IMMUTABLE_PAIR);
        JsonNode inMethod = call(out, "ImmutablePair.of(L,R)", IMMUTABLE_PAIR,
                "return left != null || right != null ? new ImmutablePair<>(left, right) : nullPair();", "new ImmutablePair<>(left, right)");
        assertEquals(IMMUTABLE_PAIR + "::ImmutablePair.ImmutablePair(L,R)", inMethod.path("target").asText());
        assertEquals("ImmutablePair", inMethod.path("name").asText());
        assertEquals(2, inMethod.path("arity").asInt());
        JsonNode field = call(out, "ImmutablePair", IMMUTABLE_PAIR, "private static final ImmutablePair NULL = ", "new ImmutablePair<>(null, null)");
        assertEquals(IMMUTABLE_PAIR + "::ImmutablePair.ImmutablePair(L,R)", field.path("target").asText());
        assertEquals("solved", field.path("how").asText());
    }

    @Test
    void a_call_inside_a_lambda_belongs_to_the_method_that_holds_the_lambda() throws IOException {
        JsonNode out = references(IMMUTABLE_PAIR_TEST);
        JsonNode c = call(out, "ImmutablePairTest.testOfNonNull()", IMMUTABLE_PAIR_TEST,
                "assertThrows(NullPointerException.class, () -> ImmutablePair.ofNonNull(null, \"x\"));", "ImmutablePair.ofNonNull(null, \"x\")");
        assertEquals(IMMUTABLE_PAIR + "::ImmutablePair.ofNonNull(L,R)", c.path("target").asText());
        assertEquals("solved", c.path("how").asText());
    }

    @Test
    void a_jdk_call_is_external_with_its_qualified_signature() throws IOException {
        JsonNode out = references(PAIR);
        JsonNode c = call(out, "Pair.equals(Object)", PAIR, "return Objects.equals(getKey(), other.getKey())", "Objects.equals(getKey()");
        assertEquals("external", c.path("how").asText());
        assertTrue(c.path("target").isNull());
        assertEquals("java.util.Objects.equals(java.lang.Object, java.lang.Object)", c.path("external").asText());
        JsonNode inside = call(out, "Pair.equals(Object)", PAIR, "return Objects.equals(getKey(), other.getKey())", "getKey()");
        assertEquals(PAIR + "::Pair.getKey()", inside.path("target").asText(), "the repo's own method inside the JDK call");
    }

    @Test
    void a_call_whose_parameter_type_is_missing_from_the_corpus_falls_back_to_name_and_arity() throws IOException {
        // Pair.accept takes a FailableBiConsumer, from the function package we did not copy: the solver
        // fails, and accept with one argument has one candidate in the repository
        JsonNode out = references(PAIR_TEST);
        JsonNode c = call(out, "PairTest.testAccept()", PAIR_TEST, "pair1.accept(map::put);", "pair1.accept(map::put)");
        assertEquals("name-arity", c.path("how").asText());
        assertEquals(PAIR + "::Pair.accept(FailableBiConsumer)", c.path("target").asText());
        assertEquals(8, out.path("counts").path("name_arity").asInt(), "four accept and four apply calls: " + out.path("counts"));
        int listed = 0;
        for (JsonNode calls : out.path("calls")) {
            for (JsonNode x : calls) {
                listed += x.path("how").asText().equals("name-arity") ? 1 : 0;
            }
        }
        assertEquals(8, listed);
    }

    @Test
    void an_ambiguous_call_stays_unresolved() throws IOException {
        // CompareToBuilder is missing; EqualsBuilder, which is present, has many append(x, y)
        JsonNode out = references(PAIR);
        JsonNode c = call(out, "Pair.compareTo(Pair)", PAIR, "return new CompareToBuilder().append(getLeft(), other.getLeft())",
                "new CompareToBuilder().append(getLeft(), other.getLeft())");
        assertEquals("append", c.path("name").asText());
        assertEquals("unresolved", c.path("how").asText());
        assertTrue(c.path("target").isNull());
        assertTrue(refs.index().candidates("append", 2).size() > 1, "several candidates, none preferred");
        assertTrue(out.path("counts").path("unresolved").asInt() >= 1);
    }

    @Test
    void files_under_target_are_not_part_of_the_repository() throws IOException {
        references(PAIR);
        assertTrue(refs.index().candidates("of", 2).stream().noneMatch(c -> c.file().startsWith("target/")));
    }

    @Test
    void after_changed_a_renamed_method_no_longer_resolves_to_its_old_id() throws IOException {
        String old = IMMUTABLE_PAIR + "::ImmutablePair.ofNonNull(L,R)";
        JsonNode before = call(references(PAIR), "Pair.ofNonNull(L,R)", PAIR, "return ImmutablePair.ofNonNull(left, right);", "ImmutablePair.ofNonNull(");
        assertEquals(old, before.path("target").asText());

        Path file = repo.resolve(IMMUTABLE_PAIR);
        Files.writeString(file, Files.readString(file).replace("ImmutablePair<L, R> ofNonNull(", "ImmutablePair<L, R> ofNonNullRenamed("));
        refs.changed(IMMUTABLE_PAIR);

        JsonNode after = call(references(PAIR), "Pair.ofNonNull(L,R)", PAIR, "return ImmutablePair.ofNonNull(left, right);", "ImmutablePair.ofNonNull(");
        assertNotEquals(old, after.path("target").asText(null));
        // as javac would: ImmutablePair inherits the static Pair.ofNonNull(L, R) now that it has none of its own
        assertEquals(PAIR + "::Pair.ofNonNull(L,R)", after.path("target").asText());
        assertEquals("solved", after.path("how").asText());
        assertTrue(refs.index().candidates("ofNonNullRenamed", 2).stream().anyMatch(c -> c.id().equals(IMMUTABLE_PAIR + "::ImmutablePair.ofNonNullRenamed(L,R)")));
    }

    /** The node ids tools/extract_java.pym makes of a file, from the same outline it reads. */
    private java.util.Set<String> extractedIds(String path) throws IOException {
        JsonNode outline = new JavaOutline().outline(Files.readString(repo.resolve(path)));
        java.util.Set<String> ids = new java.util.HashSet<>(java.util.Set.of(path));
        for (JsonNode t : outline.path("types")) {
            ids.add(path + "::" + t.path("name").asText());
            for (JsonNode m : t.path("members")) {
                List<String> erased = new ArrayList<>();
                m.path("params").forEach(p -> erased.add(p.path("erased").asText()));
                ids.add(path + "::" + t.path("name").asText() + "." + m.path("name").asText() + "(" + String.join(",", erased) + ")");
            }
        }
        return ids;
    }

    @Test
    void every_solved_target_and_every_owner_is_a_node_the_extractor_makes() throws IOException {
        for (String path : List.of(PAIR, IMMUTABLE_PAIR, PAIR_TEST, "src/main/java/org/apache/commons/lang3/builder/EqualsBuilder.java")) {
            JsonNode out = references(path);
            java.util.Set<String> own = extractedIds(path);
            for (var owners = out.path("calls").fieldNames(); owners.hasNext(); ) {
                String owner = owners.next();
                assertTrue(own.contains(owner.isEmpty() ? path : path + "::" + owner), path + ": owner " + owner);
                for (JsonNode c : out.path("calls").path(owner)) {
                    if (!c.path("target").isNull()) {
                        String target = c.path("target").asText();
                        String file = target.contains("::") ? target.substring(0, target.indexOf("::")) : target;
                        assertTrue(extractedIds(file).contains(target), path + ": " + c);
                    }
                }
            }
        }
    }

    @Test
    void constructors_records_enum_constant_bodies_and_local_classes_are_named_as_the_extractor_names_them() throws IOException {
        String path = "src/main/java/org/x/Shapes.java";
        Files.createDirectories(repo.resolve(path).getParent());
        Files.writeString(repo.resolve(path), """
                package org.x;

                class Shapes {
                    static class Plain { void go() { } }
                    record Point(int x, int y) { Point { check(x); } static void check(int v) { } }
                    enum Op { PLUS { int apply(int a) { return helper(a); } }; int apply(int a) { return a; } static int helper(int a) { return a; } }
                    static class Base { Base(int n) { } }
                    static class Child extends Base {
                        Child() { this(1); }
                        Child(int n) { super(n); }
                    }
                    Object make() {
                        Runnable r = new Runnable() { public void run() { new Plain().go(); } };
                        class Local { void f() { new Point(1, 2); } }
                        return r;
                    }
                }
                """);
        JsonNode calls = references(path).path("calls");
        String id = path + "::Shapes.";
        assertEquals(List.of("Shapes.Point.Point(int,int)", "Shapes.Op.PLUS.apply(int)", "Shapes.Child.Child()",
                "Shapes.Child.Child(int)", "Shapes.make()"), fieldNames(calls));
        assertEquals(id + "Point.check(int)", calls.path("Shapes.Point.Point(int,int)").path(0).path("target").asText());
        assertEquals(id + "Op.helper(int)", calls.path("Shapes.Op.PLUS.apply(int)").path(0).path("target").asText());
        assertEquals(id + "Child.Child(int)", calls.path("Shapes.Child.Child()").path(0).path("target").asText());
        assertEquals("Child", calls.path("Shapes.Child.Child()").path(0).path("name").asText());
        assertEquals(id + "Base.Base(int)", calls.path("Shapes.Child.Child(int)").path(0).path("target").asText());
        List<String> made = new ArrayList<>();
        calls.path("Shapes.make()").forEach(c -> made.add(c.path("text").asText() + " -> " + c.path("target").asText(c.path("external").asText())));
        assertTrue(made.contains("new Plain() -> " + id + "Plain"), "a class without constructors: its type node " + made);
        assertTrue(made.contains("new Plain().go() -> " + id + "Plain.go()"), made.toString());
        assertTrue(made.contains("new Point(1, 2) -> " + id + "Point.Point(int,int)"), "the compact constructor " + made);
        assertTrue(made.contains("new Runnable() { public void run() { new Plain().go(); } } -> java.lang.Runnable"),
                "an anonymous class calls the type it implements " + made);
        assertTrue(extractedIds(path).containsAll(List.of(id + "Plain", id + "Point.Point(int,int)", id + "Op.PLUS.apply(int)")));
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void an_overload_on_primitive_arrays_is_never_widened_to_another_element_type() throws IOException {
        // JavaParser 3.28.2 alone solved clone(array1) in addAll(long[], long...) to clone(float[]) in some runs
        String path = "src/main/java/org/apache/commons/lang3/ArrayUtils.java";
        copy(MAIN.resolve("ArrayUtils.java"), path);
        JsonNode calls = references(path).path("calls");
        java.util.regex.Pattern addAll = java.util.regex.Pattern.compile("ArrayUtils\\.addAll\\((\\w+)\\[\\],\\1\\.\\.\\.\\)");
        int checked = 0;
        for (var owners = calls.fieldNames(); owners.hasNext(); ) {
            String owner = owners.next();
            java.util.regex.Matcher m = addAll.matcher(owner);
            if (!m.matches()) {
                continue;
            }
            for (JsonNode c : calls.path(owner)) {
                if (c.path("name").asText().equals("clone")) {
                    assertEquals(path + "::ArrayUtils.clone(" + m.group(1) + "[])", c.path("target").asText(), owner + ": " + c);
                    checked++;
                }
            }
        }
        assertEquals(18, checked, "two clone calls in each addAll(X[], X...): the eight primitive ones and addAll(T[], T...)");
    }

    @Test
    void a_syntax_error_comes_back_with_its_line_and_no_calls() {
        ObjectNode out = refs.references("src/main/java/Broken.java", "class Broken {\n  void f() {\n    g(;\n  }\n}\n");
        assertTrue(out.path("error").asText().startsWith("syntax error: line 3"), out.path("error").asText());
        assertEquals(0, out.path("calls").size());
    }

    @Test
    void a_tool_gets_the_references_through_the_java_references_external() throws IOException {
        String tool = """
                from grail import Input, external
                path: str = Input("path")


                @external
                async def java_references(path: str) -> dict: ...


                async def main():
                    refs = await java_references(path)
                    targets = [c["target"] for c in refs["calls"]["Pair.of(Map.Entry)"]]
                    return {"targets": targets, "solved": refs["counts"]["solved"], "error": refs["error"]}
                """;
        JsonNode out = Tools.run(tool, Map.of("path", JsonNodeFactory.instance.textNode(PAIR)),
                HostExternals.standard(repo, refs), null).value();
        assertEquals(IMMUTABLE_PAIR + "::ImmutablePair.of(Map.Entry)", out.path("targets").path(0).asText());
        assertEquals(references(PAIR).path("counts").path("solved").asInt(), out.path("solved").asInt());
        assertTrue(out.path("error").isNull());
    }
}
