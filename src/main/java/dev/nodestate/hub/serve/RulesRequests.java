package dev.nodestate.hub.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Explanation;
import dev.nodestate.hub.rules.RulesRegistry;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code rules_explain} request: {@code hub rules explain} asks the running hub to evaluate its rules in service
 * (the last good load, {@link RulesRegistry#current()}) on a node's last recorded change. Request:
 * {@code {"type": "rules_explain", "node": FULL_ID}}. Reply: {@code {"explain": <the --json document>, "text": [lines],
 * "rules_dir", "pid", "loaded_at"}}, or {@code {"error", "code"}} ({@code no_rules} while the hub starts,
 * {@code not_found}, {@code no_change}).
 */
final class RulesRequests {

    private final NodeStore store;
    private final RulesRegistry rules;

    RulesRequests(NodeStore store, RulesRegistry rules) {
        this.store = store;
        this.rules = rules;
    }

    /** The reply while the hub has not loaded its rules yet (starting, or hub serve). */
    static String none() {
        return Requests.JSON.createObjectNode().put("error", "this hub has no rules loaded (it is starting, or it is"
                + " `hub serve`)").put("code", "no_rules").toString();
    }

    String explain(JsonNode req) {
        String id = req.path("node").asText("");
        Optional<NodeState> state = store.get(id);
        if (state.isEmpty()) {
            return error("no node " + id + " in this hub", "not_found");
        }
        Optional<String> change = store.lastChange(id);
        if (change.isEmpty()) {
            return error("no change recorded for " + id, "no_change");
        }
        DiffBundle bundle;
        try {
            bundle = Requests.JSON.readValue(change.get(), DiffBundle.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return error("the stored last change of " + id + " is not a valid diff bundle: " + e.getOriginalMessage(), "bad_change");
        }
        Instant loaded = rules.loadedAt();
        long pid = ProcessHandle.current().pid();
        String from = "the running hub's (pid " + pid + "), " + (loaded == null ? "no good load yet" : "last good load at " + loaded);
        Explanation e = Explanation.of(id, bundle, state.get(), rules.current(), from, pid, loaded == null ? null : loaded.toString());
        ObjectNode o = Requests.JSON.createObjectNode();
        o.set("explain", e.json(Requests.JSON));
        o.set("text", Requests.JSON.valueToTree(e.text()));
        o.put("rules_dir", rules.directory().toString()).put("pid", pid).put("loaded_at", e.loadedAt());
        return o.toString();
    }

    private static String error(String message, String code) {
        return Requests.JSON.createObjectNode().put("error", message).put("code", code).toString();
    }
}
