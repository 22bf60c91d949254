package dev.nodestate.hub.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.source.tree.AnnotatedTypeTree;
import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParameterizedTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeParameterTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.Trees;
import dev.nodestate.hub.SharedRuntime;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.PymTool;
import dev.nodestate.hub.tool.ToolHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The Java extractor ({@code tools/extract_java.pym}, on the host's JavaParser view) against the
 * JDK's own parser, javac, on a real code base nobody here wrote: the sources of Apache
 * commons-lang3 3.17.0, unpacked by Maven into {@code target/reference/} (generate-test-resources),
 * plus a file of corner cases that the library does not have (records, sealed types, annotation
 * members, enum constants with bodies).
 *
 * <p>What is a node, decided here and followed by the tool: every class, interface, enum, record
 * and annotation type that is a member of a file or of another type ({@code Outer.Inner}); every
 * method, constructor (named by its class's simple name), compact record constructor (it takes the
 * record's components) and annotation-type member; and every enum constant whose class body
 * declares members ({@code Enum.CONSTANT}, kind {@code enum_constant}), whose methods are its members. Local and
 * anonymous classes and lambdas are part of their enclosing method, not nodes. A callable's id is
 * {@code Type.name(erased,param,types)}: generic arguments and type annotations removed, nested
 * types as written ({@code Map.Entry}), varargs as {@code T...}; a type variable with a bound is
 * written as the erasure of its first bound, as Java erases it, and an unbounded one keeps its name
 * ({@code <T extends CharSequence> T} is {@code CharSequence}, {@code <T> T[]} is {@code T[]}):
 * commons-lang3's {@code Validate.notEmpty} overloads differ only in their bounds.
 *
 * <p>Lines: a node starts at its first annotation or modifier (javac's start position, which
 * JavaParser's range agrees with) and not at its javadoc, which is the node's docstring, not its
 * code; it ends at its closing brace or semicolon. So an annotated method's body hash changes when
 * an annotation changes, and a javadoc edit changes the docstring only.
 *
 * <p>Signatures are compared normalised: the set of modifiers, then the rest of the signature with
 * all whitespace removed (type parameters, return type, name, parameter types and names, throws
 * clause; for types the keyword, name, type parameters, record components, extends, implements and
 * permits clauses), the annotation names, and the parent.
 */
class JavaReferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path COMMONS_LANG = Path.of("target/reference/commons-lang3");
    private static final Path CORNER_CASES = Path.of("src/test/resources/reference/java");
    private static final Set<String> MODIFIERS = Set.of("public", "protected", "private", "static", "final", "abstract",
            "synchronized", "native", "transient", "volatile", "strictfp", "default", "sealed", "non-sealed");

    /** A node as javac sees it, in the tool's terms. */
    record Ref(String name, String kind, String parent, int start, int end, Set<String> modifiers, String rest,
               List<String> annotations) {
    }

    /** Agreement counts over a source set. */
    static final class Report {
        int files;
        int toolNodes;
        int referenceNodes;
        int names;
        int kinds;
        int parents;
        int starts;
        int ends;
        int modifiers;
        int signatures;
        int annotations;
        final List<String> missing = new ArrayList<>();
        final List<String> extra = new ArrayList<>();
        final List<String> mismatches = new ArrayList<>();
        final Map<String, Integer> kindCounts = new java.util.TreeMap<>();

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d files, %d tool nodes (modules excluded), %d javac nodes %s; agree: "
                            + "names %d, kinds %d, parents %d, start lines %d, end lines %d, modifiers %d, signatures %d, "
                            + "annotations %d", files, toolNodes, referenceNodes, kindCounts, names, kinds, parents, starts,
                    ends, modifiers, signatures, annotations);
        }
    }

    @Test
    void namesKindsLinesAndSignaturesAgreeWithJavacOnCommonsLang() throws Exception {
        assertTrue(Files.isDirectory(COMMONS_LANG.resolve("org/apache/commons/lang3")),
                "commons-lang3 sources are unpacked by Maven (generate-test-resources); run the test through mvn");
        Report r = compare(COMMONS_LANG);
        System.out.println("java reference (commons-lang3 3.17.0): " + r);
        assertTrue(r.files > 200, "expected hundreds of files, got " + r.files);
        assertTrue(r.referenceNodes > 3000, "expected thousands of nodes, got " + r.referenceNodes);
        assertAgreement(r);
    }

    @Test
    void cornerCasesAgreeWithJavac() throws Exception {
        Report r = compare(CORNER_CASES);
        System.out.println("java reference (corner cases): " + r);
        assertAgreement(r);
        for (String kind : List.of("class", "interface", "enum", "record", "annotation", "enum_constant", "method", "constructor")) {
            assertTrue(r.kindCounts.getOrDefault(kind, 0) > 0, "the corner cases have no " + kind + ": " + r.kindCounts);
        }
    }

    private static void assertAgreement(Report r) {
        assertEquals(List.of(), r.missing, "nodes javac sees that the tool missed");
        assertEquals(List.of(), r.extra, "nodes the tool invented");
        assertEquals(List.of(), r.mismatches, "kind, parent, line, modifier, signature or annotation mismatches");
        for (int agreed : new int[] {r.names, r.kinds, r.parents, r.starts, r.ends, r.modifiers, r.signatures, r.annotations}) {
            assertEquals(r.referenceNodes, agreed, r.toString());
        }
    }

    /** Runs the tool over every .java file under root in batches of 4 and compares with javac. */
    static Report compare(Path root) throws Exception {
        List<String> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(f -> f.toString().endsWith(".java")).map(f -> root.relativize(f).toString().replace('\\', '/'))
                    .sorted().toList();
        }
        Path tool = Path.of("tools/extract_java.pym");
        var externals = HostExternals.standard(root);
        PymTool extractor = new PymChecker(SharedRuntime.get(), externals).check(tool, Files.readString(tool));
        ToolHost host = new ToolHost(SharedRuntime.get());
        Map<String, Map<String, JsonNode>> byFile = new HashMap<>();
        Set<String> ids = new HashSet<>();
        Report report = new Report();
        report.files = files.size();
        for (int i = 0; i < files.size(); i += 4) {
            ArrayNode batch = JSON.createArrayNode();
            files.subList(i, Math.min(files.size(), i + 4)).forEach(batch::add);
            JsonNode result = host.run(extractor, Map.of("file_paths", batch), externals, null).value();
            for (JsonNode f : result) {
                String file = f.get("file_path").asText();
                assertTrue(f.get("error").isNull(), file + ": " + f.get("error"));
                Map<String, JsonNode> nodes = new LinkedHashMap<>();
                for (JsonNode n : f.get("nodes")) {
                    String name = n.get("name").asText();
                    assertTrue(ids.add(file + "::" + name), "duplicate id " + file + "::" + name);
                    if (!n.get("kind").asText().equals("module")) {
                        nodes.put(name, n);
                        report.toolNodes++;
                    }
                }
                byFile.put(file, nodes);
            }
        }
        Map<String, Map<String, Ref>> reference = javac(root, files);
        for (String file : files) {
            Map<String, Ref> ref = reference.get(file);
            Map<String, JsonNode> got = byFile.getOrDefault(file, Map.of());
            report.referenceNodes += ref.size();
            ref.keySet().stream().filter(q -> !got.containsKey(q)).limit(20).forEach(q -> report.missing.add(file + "::" + q));
            got.keySet().stream().filter(q -> !ref.containsKey(q)).limit(20).forEach(q -> report.extra.add(file + "::" + q));
            for (Ref r : ref.values()) {
                report.kindCounts.merge(r.kind(), 1, Integer::sum);
                JsonNode g = got.get(r.name());
                if (g == null) {
                    continue;
                }
                report.names++;
                String parent = g.get("parent").isNull() ? null : g.get("parent").asText();
                String signature = g.get("signature").asText();
                Set<String> modifiers = new TreeSet<>();
                String[] words = signature.strip().split("\\s+");
                int k = 0;
                while (k < words.length - 1 && MODIFIERS.contains(words[k])) {
                    modifiers.add(words[k++]);
                }
                String rest = String.join("", List.of(words).subList(k, words.length));
                List<String> annotations = new ArrayList<>();
                g.get("decorators").forEach(d -> annotations.add(annotationName(d.asText())));
                boolean[] ok = {
                        r.kind().equals(g.get("kind").asText()),
                        java.util.Objects.equals(r.parent(), parent),
                        r.start() == g.get("start_line").asInt(),
                        r.end() == g.get("end_line").asInt(),
                        r.modifiers().equals(modifiers),
                        r.rest().equals(rest),
                        r.annotations().equals(annotations)};
                report.kinds += ok[0] ? 1 : 0;
                report.parents += ok[1] ? 1 : 0;
                report.starts += ok[2] ? 1 : 0;
                report.ends += ok[3] ? 1 : 0;
                report.modifiers += ok[4] ? 1 : 0;
                report.signatures += ok[5] ? 1 : 0;
                report.annotations += ok[6] ? 1 : 0;
                boolean all = true;
                for (boolean b : ok) {
                    all &= b;
                }
                if (!all && report.mismatches.size() < 20) {
                    report.mismatches.add(file + "::" + r.name() + "\n   javac: " + r + "\n   tool:  kind=" + g.get("kind").asText()
                            + ", parent=" + parent + ", start=" + g.get("start_line") + ", end=" + g.get("end_line")
                            + ", modifiers=" + modifiers + ", rest=" + rest + ", annotations=" + annotations);
                }
            }
        }
        return report;
    }

    private static String annotationName(String annotation) {
        String s = annotation.strip();
        int paren = s.indexOf('(');
        return (paren < 0 ? s : s.substring(0, paren)).replaceAll("\\s+", "");
    }

    // ------------------------------------------------------------------ the javac reference

    /** Parses the files with javac (parse only: no symbols, no implicit members) and names their nodes. */
    static Map<String, Map<String, Ref>> javac(Path root, List<String> files) throws Exception {
        var compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, Map<String, Ref>> out = new HashMap<>();
        try (StandardJavaFileManager fm = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<Path> paths = files.stream().map(root::resolve).toList();
            JavacTask task = (JavacTask) compiler.getTask(null, fm, diagnostics, List.of("-proc:none"), null,
                    fm.getJavaFileObjectsFromPaths(paths));
            Iterable<? extends CompilationUnitTree> units = task.parse();
            assertEquals(List.of(), diagnostics.getDiagnostics().stream().map(Object::toString).toList(), "javac parse errors");
            SourcePositions positions = Trees.instance(task).getSourcePositions();
            for (CompilationUnitTree unit : units) {
                String file = root.toAbsolutePath().normalize().relativize(Path.of(unit.getSourceFile().toUri())).toString().replace('\\', '/');
                Walker w = new Walker(unit, positions, unit.getSourceFile().getCharContent(true).toString());
                for (Tree t : unit.getTypeDecls()) {
                    if (t instanceof ClassTree c) {
                        w.type(c, null, Map.of());
                    }
                }
                out.put(file, w.nodes);
            }
        }
        return out;
    }

    private static final class Walker {
        final CompilationUnitTree unit;
        final SourcePositions positions;
        final String source;
        final Map<String, Ref> nodes = new LinkedHashMap<>();

        Walker(CompilationUnitTree unit, SourcePositions positions, String source) {
            this.unit = unit;
            this.positions = positions;
            this.source = source;
        }

        void type(ClassTree c, String parent, Map<String, String> outerVars) {
            String simple = c.getSimpleName().toString();
            String name = parent == null ? simple : parent + "." + simple;
            String kind = switch (c.getKind()) {
                case INTERFACE -> "interface";
                case ENUM -> "enum";
                case RECORD -> "record";
                case ANNOTATION_TYPE -> "annotation";
                default -> "class";
            };
            Map<String, String> vars = typeVars(outerVars, c.getTypeParameters());
            StringBuilder rest = new StringBuilder(kind.equals("annotation") ? "@interface" : kind).append(simple);
            rest.append(typeParameters(c.getTypeParameters()));
            List<VariableTree> components = c.getKind() == Tree.Kind.RECORD ? components(c) : List.of();
            if (c.getKind() == Tree.Kind.RECORD) {
                rest.append('(').append(components.stream().map(v -> typeText(v) + v.getName()).collect(Collectors.joining(",")))
                        .append(')');
            }
            if (c.getExtendsClause() != null) {
                rest.append("extends").append(c.getExtendsClause());
            }
            if (!c.getImplementsClause().isEmpty()) {
                rest.append(c.getKind() == Tree.Kind.INTERFACE ? "extends" : "implements").append(join(c.getImplementsClause()));
            }
            if (!c.getPermitsClause().isEmpty()) {
                rest.append("permits").append(join(c.getPermitsClause()));
            }
            add(name, kind, parent, c, c.getModifiers(), rest.toString());
            members(c, name, simple, components, vars);
        }

        void members(ClassTree c, String name, String simple, List<VariableTree> components, Map<String, String> vars) {
            for (Tree member : c.getMembers()) {
                switch (member) {
                    case MethodTree m -> method(m, name, simple, components, vars);
                    case ClassTree inner -> type(inner, name, vars);
                    case VariableTree v when c.getKind() == Tree.Kind.ENUM && v.getInitializer() instanceof NewClassTree nc
                            && nc.getClassBody() != null && !nc.getClassBody().getMembers().isEmpty() && nc.getIdentifier() instanceof IdentifierTree id
                            && id.getName().contentEquals(simple) -> {
                        // an enum constant with a class body: its methods are its members
                        String constant = name + "." + v.getName();
                        String args = nc.getArguments().isEmpty() ? "" : "(" + join(nc.getArguments()) + ")";
                        add(constant, "enum_constant", name, v, v.getModifiers(), v.getName() + args);
                        members(nc.getClassBody(), constant, simple, List.of(), vars);
                    }
                    default -> { }
                }
            }
        }

        void method(MethodTree m, String owner, String ownerSimple, List<VariableTree> components, Map<String, String> outerVars) {
            boolean constructor = m.getName().contentEquals("<init>");
            String simple = constructor ? ownerSimple : m.getName().toString();
            List<? extends VariableTree> params = m.getParameters();
            if (constructor && !components.isEmpty() && isCompact(m, ownerSimple)) {
                params = components; // javac copies them into the compact constructor, without positions
            }
            Map<String, String> vars = typeVars(outerVars, m.getTypeParameters());
            String erased = params.stream().map(p -> erasedText(p, vars)).collect(Collectors.joining(","));
            StringBuilder rest = new StringBuilder(typeParameters(m.getTypeParameters()));
            if (!constructor) {
                rest.append(m.getReturnType());
            }
            rest.append(simple).append('(').append(params.stream().map(p -> typeText(p) + p.getName())
                    .collect(Collectors.joining(","))).append(')');
            if (!m.getThrows().isEmpty()) {
                rest.append("throws").append(join(m.getThrows()));
            }
            if (m.getDefaultValue() != null) {
                rest.append("default").append(m.getDefaultValue());
            }
            add(owner + "." + simple + "(" + erased + ")", constructor ? "constructor" : "method", owner, m, m.getModifiers(),
                    rest.toString());
        }

        void add(String name, String kind, String parent, Tree tree, ModifiersTree mods, String rest) {
            long start = positions.getStartPosition(unit, tree);
            long end = positions.getEndPosition(unit, tree);
            Set<String> modifiers = new TreeSet<>();
            for (Modifier m : mods.getFlags()) {
                modifiers.add(m.toString());
            }
            if (kind.equals("enum_constant")) {
                modifiers.clear(); // javac gives enum constants the implied public static final
            }
            List<String> annotations = new ArrayList<>();
            for (AnnotationTree a : mods.getAnnotations()) {
                annotations.add("@" + strip(a.getAnnotationType().toString()));
            }
            Ref previous = nodes.put(name, new Ref(name, kind, parent, line(start), line(end), modifiers, strip(rest), annotations));
            assertTrue(previous == null, "javac reference: two nodes named " + name);
        }

        int line(long pos) {
            assertTrue(pos >= 0, "javac gave no position");
            return (int) unit.getLineMap().getLineNumber(pos);
        }

        /** A record's components: in javac's parse tree they are the record's non-static fields. */
        List<VariableTree> components(ClassTree record) {
            List<VariableTree> out = new ArrayList<>();
            for (Tree member : record.getMembers()) {
                if (member instanceof VariableTree v && !v.getModifiers().getFlags().contains(Modifier.STATIC)) {
                    out.add(v);
                }
            }
            return out;
        }

        /** A compact constructor has no parameter list: its header ends with the record's name. */
        boolean isCompact(MethodTree m, String recordName) {
            int from = (int) positions.getStartPosition(unit, m);
            int to = (int) positions.getStartPosition(unit, m.getBody());
            return source.substring(from, to).strip().matches("(?s).*\\b" + recordName);
        }

        boolean isVarargs(VariableTree p) {
            int from = (int) positions.getStartPosition(unit, p.getType());
            int to = (int) positions.getEndPosition(unit, p);
            return from >= 0 && to > from && source.substring(from, to).contains("...");
        }

        /** The parameter's type as written (javac prints varargs as an array; the tool as T...). */
        String typeText(VariableTree p) {
            String t = p.getType().toString();
            return isVarargs(p) ? t.substring(0, t.length() - 2) + "..." : t;
        }

        String erasedText(VariableTree p, Map<String, String> vars) {
            String t = erase(p.getType(), vars);
            return isVarargs(p) ? t.substring(0, t.length() - 2) + "..." : t;
        }

        /** Generic arguments and annotations dropped; a bounded type variable is its first bound's erasure. */
        static String erase(Tree type, Map<String, String> vars) {
            return switch (type) {
                case ParameterizedTypeTree p -> erase(p.getType(), vars);
                case ArrayTypeTree a -> erase(a.getType(), vars) + "[]";
                case MemberSelectTree s -> erase(s.getExpression(), Map.of()) + "." + s.getIdentifier();
                case AnnotatedTypeTree a -> erase(a.getUnderlyingType(), vars);
                case IdentifierTree id -> vars.getOrDefault(id.getName().toString(), id.getName().toString());
                default -> strip(type.toString());
            };
        }

        static Map<String, String> typeVars(Map<String, String> outer, List<? extends TypeParameterTree> params) {
            Map<String, String> scope = new HashMap<>(outer);
            params.forEach(p -> scope.put(p.getName().toString(), p.getName().toString()));
            for (int pass = 0; pass < params.size(); pass++) {
                for (TypeParameterTree p : params) {
                    if (!p.getBounds().isEmpty()) {
                        scope.put(p.getName().toString(), erase(p.getBounds().getFirst(), scope));
                    }
                }
            }
            return scope;
        }

        static String typeParameters(List<? extends Tree> params) {
            return params.isEmpty() ? "" : "<" + join(params) + ">";
        }

        static String join(List<? extends Tree> trees) {
            return trees.stream().map(Tree::toString).collect(Collectors.joining(","));
        }

        static String strip(String s) {
            return s.replaceAll("\\s+", "");
        }
    }
}
