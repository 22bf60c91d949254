package dev.nodestate.hub.impact;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.diff.Signatures;
import dev.nodestate.hub.store.NodeState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Demo 2 end to end: an API change (from hub watch, or asked for with {@code hub impact NODE}) in, an impact report
 * out, written under {@code .agentfs/impact/} and traced.
 */
public final class Impacts {

    /** Where the stored state comes from: the hub's store, or the running hub over its socket. */
    public interface Source {
        Optional<NodeState> get(String id);

        /** The other functions named {@code simpleName} in the owner of {@code node} (Java overloads). */
        List<NodeState> overloads(NodeState node);
    }

    /** The report and where its page went. */
    public record Served(ImpactReport report, Path page) {
    }

    /** What tools said about the node: list_exports' result (or why there is none) and search_similar's list. */
    public record ToolViews(JsonNode exports, String exportsProblem, List<Map<String, Object>> similar) {
    }

    private Impacts() {
    }

    /**
     * After hub watch ran the rule's tools for {@code change}: the report for a public node's signature, visibility or
     * export change; empty (traced as skipped) for anything else.
     */
    public static Optional<Served> afterChange(Path root, Source source, DiffBundle change, List<String> callersBefore,
            ToolViews views) {
        ImpactPages pages = new ImpactPages(root);
        ApiChange api = ApiChange.of(change, "hub watch, " + change.kind().name().toLowerCase(java.util.Locale.ROOT)
                + (change.previousId() == null ? "" : " from " + change.previousId()));
        if (api == null) {
            return Optional.empty();
        }
        if (!api.touchesApi()) {
            pages.traceSkipped(change.nodeId(), "not public (" + api.oldVisibility() + " -> " + api.newVisibility() + ")", "watch");
            return Optional.empty();
        }
        NodeState node = source.get(change.nodeId()).orElse(null);
        if (node == null) {
            pages.traceSkipped(change.nodeId(), "the node is no longer stored", "watch");
            return Optional.empty();
        }
        Set<String> callerIds = new LinkedHashSet<>(node.callers());
        callerIds.addAll(callersBefore); // a Java call that no longer resolves to the new signature was a caller before
        return Optional.of(serve(root, source, node, api, callerIds, views, "hub watch", "watch"));
    }

    /**
     * {@code hub impact NODE}: the report from the stored state now, against the last recorded change of the node (its
     * old signature) when its page has one for the current signature, else the current signature on both sides.
     */
    public static Served onDemand(Path root, Source source, NodeState node, ToolViews views, String requester) {
        String visibility = Signatures.visibility(node.language(), node,
                node.parent() == null ? null : source.get(node.parent()).orElse(null));
        String id = node.id().toString();
        if (node.nodeType() == NodeState.Type.MODULE) {
            throw new HubException(ExitCode.USAGE, id + " is a module, not an API: give one of its functions or classes "
                    + "(`hub find " + node.filePath() + "::`)");
        }
        if (!ApiChange.isPublic(visibility)) {
            throw new HubException(ExitCode.USAGE, id + " is " + visibility + ", not public API: callers outside "
                    + (node.language().equals("java") ? "its " + ("private".equals(visibility) ? "class" : "package") : "its module")
                    + " do not depend on it (`hub callers " + id + "` lists who calls it)");
        }
        ImpactPages pages = new ImpactPages(root);
        ApiChange api = pages.last(id).filter(r -> java.util.Objects.equals(r.newSignature(), node.signature()))
                .map(r -> new ApiChange(id, r.previousId(), r.oldSignature(), node.signature(), r.oldVisibility(), visibility,
                        false, r.since()))
                .orElse(ApiChange.current(node, visibility));
        return serve(root, source, node, api, new LinkedHashSet<>(node.callers()), views, "hub impact", requester);
    }

    private static Served serve(Path root, Source source, NodeState node, ApiChange api, Set<String> callerIds, ToolViews views,
            String builtBy, String requester) {
        List<NodeState> callers = new ArrayList<>();
        for (String c : callerIds) {
            source.get(c).ifPresent(callers::add);
        }
        ImpactReport report = new ImpactBuilder(root).build(new ImpactBuilder.Inputs(node, api, callers, source.overloads(node),
                node.relatedTests(), views.exports(), views.exportsProblem(), views.similar(), builtBy));
        ImpactPages pages = new ImpactPages(root);
        try {
            Path page = pages.write(report);
            pages.trace(report, page, requester, "written");
            return new Served(report, page);
        } catch (IOException e) {
            throw new HubException(ExitCode.FAILURE, "cannot write the impact page of " + report.nodeId() + " under "
                    + ImpactPages.directory(root) + ": " + e.getMessage(), e);
        }
    }

    /** The report as JSON, with its page (relative to the repository). */
    public static JsonNode json(Path root, Served s) {
        var o = ImpactPages.JSON.valueToTree(s.report());
        ((com.fasterxml.jackson.databind.node.ObjectNode) o).put("page", root.toAbsolutePath().normalize().relativize(s.page()).toString());
        return o;
    }

    /** The summary people read: signatures, each call site with its verdict, tests, exports, similar nodes. */
    public static String describe(Path root, Served s) {
        ImpactReport r = s.report();
        StringBuilder text = new StringBuilder("impact of changing ").append(r.nodeId()).append('\n');
        text.append("  old: ").append(r.oldSignature()).append('\n');
        text.append("  new: ").append(r.newSignature()).append('\n');
        if (!r.change().isEmpty()) {
            text.append("  changed: ").append(String.join("; ", r.change())).append('\n');
        }
        text.append("  since: ").append(r.since()).append('\n');
        text.append("  call sites: ").append(r.callSites().size()).append(" in ").append(r.callers().size()).append(" caller(s), ")
                .append(r.broken()).append(" likely broken\n");
        for (ImpactReport.CheckedCall c : r.callSites()) {
            text.append("    ").append(c.status().equals("broken") ? "BROKEN " : c.status().equals("ok") ? "ok     " : "?      ")
                    .append(c.place()).append("  ").append(c.text()).append('\n');
            if (!c.status().equals("ok")) {
                text.append("           ").append(c.reason()).append('\n');
            }
        }
        text.append("  tests to run: ").append(r.tests().isEmpty() ? "none known" : String.join(", ", r.tests())).append('\n');
        text.append("  exports: ").append(r.exports().isEmpty() ? r.exportsNone() : String.join(", ",
                r.exports().stream().map(ImpactReport.Export::via).toList())).append('\n');
        text.append("  similar: ").append(r.similar().isEmpty() ? "none" : String.join(", ",
                r.similar().stream().map(x -> x.id() + String.format(" (%.2f)", x.score())).toList())).append('\n');
        r.notes().forEach(n -> text.append("  note: ").append(n).append('\n'));
        text.append("  page: ").append(root.toAbsolutePath().normalize().relativize(s.page())).append('\n');
        return text.toString();
    }
}
