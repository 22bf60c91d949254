package dev.nodestate.hub.impact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.diff.Signatures;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.update.Scheduler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The impact builder in {@code hub watch}: after the job of a change whose approved tools included
 * {@value #TRIGGER} (the rule {@code public-api-changed} asks for it with find_callers, find_tests and
 * search_similar), builds the report from the state those tools just refreshed and writes the impact page.
 */
public final class ImpactWatch implements Scheduler.JobListener {

    /** The tool whose run marks a job as an API change to report on. */
    static final String TRIGGER = "list_exports";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final NodeStore store;

    public ImpactWatch(Path root, NodeStore store) {
        this.root = root.toAbsolutePath().normalize();
        this.store = store;
    }

    /** The store as an impact {@link Impacts.Source}. */
    public static Impacts.Source source(NodeStore store) {
        return new Impacts.Source() {
            @Override
            public Optional<NodeState> get(String id) {
                return store.get(id);
            }

            @Override
            public List<NodeState> overloads(NodeState node) {
                return sameName(node, store.byFile(node.filePath()));
            }
        };
    }

    /** The functions of {@code candidates} with the node's owner and simple name, the node itself left out. */
    public static List<NodeState> sameName(NodeState node, List<NodeState> candidates) {
        String name = Signatures.simpleName(node.nodeName());
        List<NodeState> out = new ArrayList<>();
        for (NodeState n : candidates) {
            if (n.nodeType() == NodeState.Type.FUNCTION && !n.id().equals(node.id()) && Objects.equals(n.parent(), node.parent())
                    && Signatures.simpleName(n.nodeName()).equals(name)) {
                out.add(n);
            }
        }
        return out;
    }

    @Override
    public void done(DiffBundle change, List<String> toolsRun, Map<String, JsonNode> reports, List<String> callersBefore) {
        if (!toolsRun.contains(TRIGGER) || change.kind() == DiffBundle.Kind.ADDED || change.kind() == DiffBundle.Kind.REMOVED) {
            return;
        }
        JsonNode exports = reports.get(TRIGGER);
        Impacts.afterChange(root, source(store), change, callersBefore, new Impacts.ToolViews(exports,
                exports == null ? "list_exports gave no result for this change" : null, similar(reports.get("search_similar"))))
                .ifPresent(s -> System.err.println("hub: impact " + s.report().nodeId() + ": " + s.report().callSites().size()
                        + " call site(s), " + s.report().broken() + " likely broken; " + root.relativize(s.page())));
    }

    /** search_similar's report ({"similar": [{id, score, ...}]}) as a list. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> similar(JsonNode report) {
        if (report == null || !report.path("similar").isArray()) {
            return List.of();
        }
        return JSON.convertValue(report.get("similar"), List.class);
    }
}
