package dev.nodestate.hub.failure;

import dev.nodestate.hub.failure.FailureContexts.FailureContext;
import dev.nodestate.hub.failure.FailureContexts.MappedFrame;
import dev.nodestate.hub.failure.FailureContexts.NodeFacts;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.trace.TraceLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a failure context as {@code .agentfs/failures/<test id>.md} (linking into the node pages) and {@code .json}
 * beside it, and traces its use in {@code .agentfs/traces/failures.jsonl}.
 */
public final class FailurePages {

    private final Path root;

    public FailurePages(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public static Path directory(Path root) {
        return root.resolve(".agentfs").resolve("failures");
    }

    /** The page of a failing test: mirrors the node pages for a stored test node, else a file named after the id. */
    Path pageOf(FailureContext c) {
        Path dir = directory(root);
        if (c.testNode() != null) {
            return MarkdownPages.pageOf(dir, NodeId.parse(c.testNode().id()));
        }
        return dir.resolve(c.test().replaceAll("[^A-Za-z0-9._-]+", "_") + ".md");
    }

    /** Writes the page and its JSON; returns the page. */
    public Path write(FailureContext c) throws IOException {
        Path page = pageOf(c);
        Files.createDirectories(page.getParent());
        atomically(page, render(c, page));
        String json = page.getFileName().toString().replaceFirst("\\.md$", ".json");
        atomically(page.resolveSibling(json), FailureContexts.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c) + "\n");
        return page;
    }

    /** One trace line per failure context served. */
    public void trace(FailureContext c, Path page, String requester) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", Instant.now().toString());
        line.put("type", "failure_context");
        line.put("test", c.test());
        line.put("test_node", c.testNode() == null ? null : c.testNode().id());
        line.put("frames_mapped", c.frames().stream().filter(f -> f.node() != null).count());
        line.put("nodes", c.exercised().stream().map(n -> Map.of("node_id", n.id(), "freshness_status", n.freshness())).toList());
        line.put("page", root.relativize(page).toString());
        line.put("requester", requester);
        try (TraceLog log = TraceLog.open(root, "failures")) {
            log.append(line);
        }
    }

    /** Writes {@code text} to {@code file} through a temporary file and an atomic move (readers never see half a page). */
    public static void atomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + Thread.currentThread().threadId());
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    String render(FailureContext c, Path page) {
        StringBuilder md = new StringBuilder();
        md.append("# Failing test `").append(c.test()).append("`\n\n");
        md.append("- runner: ").append(c.runner()).append('\n');
        if (!c.message().isBlank()) {
            md.append("- failure: ").append(escape(c.message().lines().findFirst().orElse(""))).append('\n');
        }
        if (c.testNode() != null) {
            md.append("- test node: ").append(link(c.testNode().id(), page)).append(" (").append(c.testNode().freshness()).append(")\n");
        } else {
            md.append("- test node: none: ").append(escape(c.testNodeProblem())).append('\n');
        }
        md.append("\n## Traceback, mapped to nodes\n\n");
        if (c.frames().isEmpty()) {
            md.append("(the report has no traceback for this test)\n");
        }
        for (MappedFrame f : c.frames()) {
            md.append("- `").append(f.file()).append(':').append(f.line()).append('`')
                    .append(f.function() == null ? "" : " in `" + f.function() + "`").append(" → ")
                    .append(f.node() == null ? "outside the repository" : link(f.node(), page)).append('\n');
        }
        md.append("\n## Exercised nodes\n\n");
        if (c.exercised().isEmpty()) {
            md.append("(none known: the test's callees are not stored; run `hub index` for the cross-file analysis)\n");
        }
        for (NodeFacts n : c.exercised()) {
            md.append("### ").append(link(n.id(), page)).append("\n\n");
            md.append("- why: ").append(escape(n.why())).append('\n');
            md.append("- freshness: **").append(n.freshness()).append("**").append(n.warning() == null ? "" : " — " + escape(n.warning())).append('\n');
            if (n.signature() != null) {
                md.append("- signature: `").append(n.signature().replace("`", "'")).append("`\n");
            }
            if (n.docstring() != null) {
                md.append("- docstring: ").append(escape(n.docstring().replace('\n', ' '))).append('\n');
            }
            md.append("- last change: ").append(n.lastChange() == null ? "none recorded" : escape(n.lastChange()))
                    .append(n.lastUpdated() == null ? "" : " (node stored " + n.lastUpdated() + ")").append('\n');
            md.append("- callers: ").append(links(n.callers(), page)).append('\n');
            md.append("- other tests: ").append(links(n.otherTests(), page)).append("\n\n");
        }
        if (!c.similar().isEmpty()) {
            md.append("## Similar nodes\n\n");
            for (Map<String, Object> s : c.similar()) {
                Object id = s.get("id");
                md.append("- ").append(id == null ? escape(String.valueOf(s.get("error"))) : link(id.toString(), page))
                        .append(s.containsKey("score") ? String.format(" (%.2f)", ((Number) s.get("score")).doubleValue()) : "")
                        .append(" like ").append(s.get("similar_to")).append('\n');
            }
        }
        return md.toString();
    }

    private String links(List<String> ids, Path page) {
        if (ids.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.size() && i < 20; i++) {
            sb.append(i == 0 ? "" : ", ").append(link(ids.get(i), page));
        }
        return ids.size() > 20 ? sb + " and " + (ids.size() - 20) + " more" : sb.toString();
    }

    private String link(String id, Path from) {
        return link(root, id, from);
    }

    /** A link from the page {@code from} to a node's page ({@code #} and spaces percent-encoded: they would break the URL). */
    public static String link(Path root, String id, Path from) {
        NodeId node;
        try {
            node = NodeId.parse(id);
        } catch (IllegalArgumentException e) {
            return "`" + id + "`";
        }
        Path target = MarkdownPages.pageOf(root.resolve(".agentfs").resolve("nodes"), node);
        String rel = from.getParent().relativize(target).toString().replace('\\', '/');
        return "[`" + id + "`](" + rel.replace("%", "%25").replace("#", "%23").replace(" ", "%20") + ")";
    }

    private static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
