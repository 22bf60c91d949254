package dev.nodestate.hub.impact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nodestate.hub.impact.ImpactReport.CheckedCall;
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
import java.util.Optional;

/**
 * Writes an impact report as {@code .agentfs/impact/<node path>.md} (mirroring the node pages, linking into them) and
 * {@code .json} beside it, reads the last one back, and traces each use in {@code .agentfs/traces/impact.jsonl}.
 */
public final class ImpactPages {

    static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Path root;

    public ImpactPages(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public static Path directory(Path root) {
        return root.resolve(".agentfs").resolve("impact");
    }

    Path pageOf(String nodeId) {
        return MarkdownPages.pageOf(directory(root), NodeId.parse(nodeId));
    }

    Path jsonOf(String nodeId) {
        Path page = pageOf(nodeId);
        return page.resolveSibling(page.getFileName().toString().replaceFirst("\\.md$", ".json"));
    }

    /** The last report written for the node, if any (an unreadable one counts as none). */
    Optional<ImpactReport> last(String nodeId) {
        Path json = jsonOf(nodeId);
        if (!Files.isRegularFile(json)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(json.toFile(), ImpactReport.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes the page and its JSON; returns the page. */
    Path write(ImpactReport r) throws IOException {
        Path page = pageOf(r.nodeId());
        Files.createDirectories(page.getParent());
        atomically(page, render(r, page));
        atomically(jsonOf(r.nodeId()), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n");
        return page;
    }

    /** One trace line per report written or served. */
    void trace(ImpactReport r, Path page, String requester, String outcome) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", Instant.now().toString());
        line.put("type", "impact");
        line.put("node", r == null ? null : r.nodeId());
        line.put("outcome", outcome);
        if (r != null) {
            line.put("previous_id", r.previousId());
            line.put("call_sites", r.callSites().size());
            line.put("broken", r.callSites().stream().filter(c -> c.status().equals("broken")).map(CheckedCall::place).toList());
            line.put("tests", r.tests().size());
            line.put("page", page == null ? null : root.relativize(page).toString());
        }
        line.put("requester", requester);
        try (TraceLog log = TraceLog.open(root, "impact")) {
            log.append(line);
        }
    }

    /** A skipped change (not public, node gone): traced so that `why no page?` has an answer. */
    void traceSkipped(String nodeId, String why, String requester) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", Instant.now().toString());
        line.put("type", "impact");
        line.put("node", nodeId);
        line.put("outcome", "skipped: " + why);
        line.put("requester", requester);
        try (TraceLog log = TraceLog.open(root, "impact")) {
            log.append(line);
        }
    }

    private static void atomically(Path file, String text) throws IOException {
        dev.nodestate.hub.failure.FailurePages.atomically(file, text);
    }

    String render(ImpactReport r, Path page) {
        StringBuilder md = new StringBuilder();
        md.append("# API change impact: ").append(link(r.nodeId(), page)).append("\n\n");
        md.append("- old: `").append(code(r.oldSignature())).append("`\n");
        md.append("- new: `").append(code(r.newSignature())).append("`\n");
        if (r.previousId() != null) {
            md.append("- id before: `").append(r.previousId()).append("`\n");
        }
        if (!r.change().isEmpty()) {
            md.append("- what changed: ").append(String.join("; ", r.change())).append('\n');
        }
        md.append("- visibility: ").append(r.oldVisibility()).append(r.oldVisibility() != null && r.oldVisibility().equals(r.newVisibility())
                ? "" : " -> " + r.newVisibility()).append('\n');
        md.append("- since: ").append(r.since()).append('\n');
        md.append("- built ").append(r.builtAt()).append(" by ").append(r.builtBy()).append("\n\n");
        md.append("## Call sites (").append(r.callSites().size()).append(", ").append(r.broken()).append(" likely broken)\n\n");
        if (r.callSites().isEmpty()) {
            md.append("(none found)\n");
        }
        for (CheckedCall c : r.callSites()) {
            md.append("- ").append(c.status().equals("broken") ? "**likely broken**" : c.status()).append(" `").append(c.place())
                    .append("` in ").append(link(c.caller(), page)).append(": `").append(code(c.text())).append("`\n  - ")
                    .append(c.reason()).append('\n');
        }
        md.append("\n## Tests to run\n\n");
        list(md, r.tests(), page, "(none known: find_tests found no test of this node)");
        md.append("\n## Exports affected\n\n");
        if (r.exports().isEmpty()) {
            md.append("(").append(r.exportsNone()).append(", per list_exports)\n");
        }
        r.exports().forEach(e -> md.append("- ").append(e.via()).append(e.from() == null ? "" : " (" + e.from() + ")").append('\n'));
        md.append("\n## Similar nodes that may need the same change\n\n");
        if (r.similar().isEmpty()) {
            md.append("(none)\n");
        }
        r.similar().forEach(s -> md.append("- ").append(link(s.id(), page)).append(String.format(" (%.2f)", s.score())).append('\n'));
        if (!r.notes().isEmpty()) {
            md.append("\n## Notes\n\n");
            r.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private void list(StringBuilder md, List<String> ids, Path page, String none) {
        if (ids.isEmpty()) {
            md.append(none).append('\n');
        }
        ids.forEach(id -> md.append("- ").append(link(id, page)).append('\n'));
    }

    private static String code(String s) {
        return s == null ? "(none)" : s.replace("`", "'");
    }

    private String link(String id, Path from) {
        return dev.nodestate.hub.failure.FailurePages.link(root, id, from);
    }
}
