package dev.nodestate.hub.rules;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * An update a rule proposes for one node: run {@code tool} with {@code args} (plus the node's
 * {@code node_id} / {@code file_path} when the tool declares those inputs). {@code priority}: higher
 * runs first. {@code rule} names the rule and {@code source} where it is defined ("rules/default.yaml:12").
 * {@code required}: state that must stay true (re-extraction); triage can never reject it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Candidate(String nodeId, String tool, Map<String, Object> args, int priority, String reason,
                        String rule, String source, boolean required) {
    public Candidate {
        args = args == null ? Map.of() : Map.copyOf(args);
    }

    /** A candidate triage may reject. */
    public Candidate(String nodeId, String tool, Map<String, Object> args, int priority, String reason, String rule, String source) {
        this(nodeId, tool, args, priority, reason, rule, source, false);
    }
}
