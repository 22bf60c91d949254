package dev.nodestate.hub.failure;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.serve.Freshness;
import dev.nodestate.hub.serve.HubContextBlob;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Builds a failure context for each failing test from the stored state: the test's node; its traceback's repo
 * frames mapped to nodes (file:line → the innermost node holding the line); the nodes it exercises (the traceback's
 * nodes, then the test's callees two levels down) with signature, docstring, most recent recorded change, callers,
 * other tests and freshness; nodes similar to the failing code.
 */
public final class FailureContexts {

    static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final int MAX_EXERCISED = 25;

    /** One fact about a node, with where it came from and how fresh it is. */
    public record NodeFacts(String id, String why, String signature, String docstring, String file, Integer startLine,
                            String lastChange, String lastUpdated, List<String> callers, List<String> otherTests,
                            String freshness, String warning) {
    }

    /** One traceback frame and the node it falls in (null when it is outside the indexed repository). */
    public record MappedFrame(String file, int line, String function, String node) {
    }

    /** The bundle for one failing test. */
    public record FailureContext(String test, String runner, String message, NodeFacts testNode, String testNodeProblem,
                                 List<MappedFrame> frames, List<NodeFacts> exercised, List<Map<String, Object>> similar) {
    }

    private final Path root;
    private final NodeStore store;
    private final Freshness freshness;
    private final BiFunction<String, Integer, List<Map<String, Object>>> similar;
    private List<String> files;

    /** {@code similar}: the k nodes most similar to an id ({"id", "score"}), as the cross-file analysis serves them. */
    public FailureContexts(Path root, NodeStore store, Freshness freshness, BiFunction<String, Integer, List<Map<String, Object>>> similar) {
        this.root = root.toAbsolutePath().normalize();
        this.store = store;
        this.freshness = freshness;
        this.similar = similar;
    }

    public FailureContext build(TestReports.FailedTest t) {
        Optional<NodeState> testNode = testNode(t);
        List<MappedFrame> frames = new ArrayList<>();
        for (TestReports.Frame f : t.frames()) {
            String file = repoFile(f.file());
            NodeState n = file == null ? null : innermost(file, f.line());
            frames.add(new MappedFrame(file != null ? file : f.file(), f.line(), f.function(), n == null ? null : n.id().toString()));
        }
        String testId = testNode.map(n -> n.id().toString()).orElse(null);
        Map<String, String> why = new LinkedHashMap<>();
        for (int i = frames.size() - 1; i >= 0; i--) { // innermost frame first: that is where it broke
            MappedFrame f = frames.get(i);
            if (f.node() != null && !f.node().equals(testId)) {
                why.putIfAbsent(f.node(), "in the traceback (" + f.file() + ":" + f.line() + ")");
            }
        }
        testNode.ifPresent(n -> {
            for (String c : orEmpty(n.callees())) {
                why.putIfAbsent(c, "called by the test");
            }
            for (String c : orEmpty(n.callees())) {
                store.get(c).ifPresent(callee -> orEmpty(callee.callees()).forEach(cc -> why.putIfAbsent(cc, "called by " + c)));
            }
        });
        why.remove(testId);
        List<NodeFacts> exercised = new ArrayList<>();
        for (Map.Entry<String, String> e : why.entrySet()) {
            if (exercised.size() >= MAX_EXERCISED) {
                break;
            }
            store.get(e.getKey()).ifPresent(n -> exercised.add(facts(n, e.getValue(), testId)));
        }
        List<Map<String, Object>> like = new ArrayList<>();
        String focus = why.keySet().stream().findFirst().orElse(testId);
        if (focus != null) {
            try {
                for (Map<String, Object> s : similar.apply(focus, 3)) {
                    Map<String, Object> m = new LinkedHashMap<>(s);
                    m.put("similar_to", focus);
                    like.add(m);
                }
            } catch (RuntimeException e) {
                like.add(Map.of("similar_to", focus, "error", String.valueOf(e.getMessage())));
            }
        }
        return new FailureContext(t.id(), t.runner(), t.message(), testNode.map(n -> facts(n, "the failing test", null)).orElse(null),
                testNode.isPresent() ? null : "no stored node for " + t.id() + " (not indexed yet, or its file is outside the repository);"
                        + " index it with `hub index " + root + "`", frames, exercised, like);
    }

    private NodeFacts facts(NodeState n, String why, String testId) {
        HubContextBlob blob = freshness.blob(n.id().toString(), n);
        List<String> tests = new ArrayList<>(orEmpty(n.relatedTests()));
        tests.remove(testId);
        return new NodeFacts(n.id().toString(), why, n.signature(), firstParagraph(n.docstring()), n.filePath(), n.startLine(),
                lastChange(n.id().toString()), n.lastUpdated() == null ? null : n.lastUpdated().toString(),
                orEmpty(n.callers()), tests, blob.freshnessStatus(), blob.warning());
    }

    /** The node's last recorded change in short, or null when none is recorded (it has not changed under `hub watch`). */
    private String lastChange(String id) {
        return store.lastChange(id).map(text -> {
            try {
                return JSON.readValue(text, DiffBundle.class).summary();
            } catch (Exception e) {
                return null;
            }
        }).orElse(null);
    }

    /** The stored node of the failing test, by the id conventions of pytest and JUnit. */
    Optional<NodeState> testNode(TestReports.FailedTest t) {
        List<String> candidates = new ArrayList<>();
        String name = t.name().replaceFirst("\\[.*]$", "");
        if (t.runner().equals("junit")) {
            String cls = t.className();
            String outer = cls.contains("$") ? cls.substring(0, cls.indexOf('$')) : cls;
            String suffix = outer.replace('.', '/') + ".java";
            String simple = cls.substring(cls.lastIndexOf('.') + 1).replace('$', '.');
            for (String f : files()) {
                if (f.equals(suffix) || f.endsWith("/" + suffix)) {
                    candidates.add(f + "::" + simple + "." + name);
                }
            }
        } else if (t.id().contains(".py::")) {
            String file = t.id().substring(0, t.id().indexOf("::"));
            String rest = t.id().substring(t.id().indexOf("::") + 2).replaceFirst("\\[.*]$", "").replace("::", ".");
            candidates.add(file + "::" + rest);
        } else if (t.className() != null) { // pytest JUnit XML: module.dotted.Class + name; find the split the store knows
            String[] parts = t.className().split("\\.");
            for (int k = parts.length; k >= 1; k--) {
                String file = String.join("/", java.util.Arrays.copyOfRange(parts, 0, k)) + ".py";
                String cls = String.join(".", java.util.Arrays.copyOfRange(parts, k, parts.length));
                candidates.add(file + "::" + (cls.isEmpty() ? "" : cls + ".") + name);
            }
        }
        for (String c : candidates) {
            Optional<NodeState> n = store.get(c);
            if (n.isPresent()) {
                return n;
            }
        }
        return Optional.empty();
    }

    /** The repository-relative indexed file a report's path names, or null (site-packages, the stdlib, ...). */
    String repoFile(String reported) {
        String p = reported.replace('\\', '/');
        Path path = Path.of(p);
        if (path.isAbsolute()) {
            Path abs = path.normalize();
            if (!abs.startsWith(root)) {
                return null;
            }
            p = root.relativize(abs).toString().replace('\\', '/');
        }
        if (store.getFileIndex(p).isPresent()) {
            return p;
        }
        for (String f : files()) { // Java frames name package/File.java; a report may run from a subdirectory
            if (f.endsWith("/" + p)) {
                return f;
            }
        }
        return null;
    }

    private List<String> files() {
        if (files == null) {
            files = store.allIndexedFiles();
        }
        return files;
    }

    /** The node with the smallest line span that holds {@code line} (a method before its class, a class before its module). */
    private NodeState innermost(String file, int line) {
        NodeState best = null;
        for (NodeState n : store.byFile(file)) {
            if (n.startLine() == null || n.endLine() == null || line < n.startLine() || line > n.endLine()) {
                continue;
            }
            if (best == null || n.endLine() - n.startLine() < best.endLine() - best.startLine()) {
                best = n;
            }
        }
        if (best == null) { // the module node has no span: the file itself
            best = store.byFile(file).stream().filter(n -> n.nodeType() == NodeState.Type.MODULE).findFirst().orElse(null);
        }
        return best;
    }

    private static String firstParagraph(String doc) {
        if (doc == null || doc.isBlank()) {
            return null;
        }
        String p = doc.strip().split("\\n\\s*\\n", 2)[0];
        return p.length() > 400 ? p.substring(0, 397) + "..." : p;
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }
}
