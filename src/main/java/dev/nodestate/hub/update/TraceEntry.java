package dev.nodestate.hub.update;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import dev.nodestate.hub.triage.Decision;
import java.time.Instant;
import java.util.List;

/**
 * One line of {@code .agentfs/traces/updates.jsonl}: a node's change, what the rules proposed,
 * what triage decided and why, what ran, how long it took, and how it ended.
 *
 * @param outcome {@code updated}, {@code no updates}, {@code failed} (some tool failed),
 *                {@code superseded} (a later change of the node replaced this work) or
 *                {@code collapsed} (queue full: merged into file-level work)
 */
record TraceEntry(Instant at, String node, String file, DiffBundle change, List<Candidate> candidates,
                  Decision decision, List<ToolRun> toolsRun, long detectedToDoneMs, String outcome) {

    /**
     * One tool's run for the node: {@code outcome} is {@code applied}, {@code from change detection} or {@code failed};
     * {@code changed}: whether the run changed stored state (a field's value differs from what was stored), null when
     * not known (the run did not apply results). The triage's training set learns from it.
     */
    record ToolRun(String tool, long durationMs, String outcome, List<String> fields, String error, Boolean changed) {
        ToolRun(String tool, long durationMs, String outcome, List<String> fields, String error) {
            this(tool, durationMs, outcome, fields, error, null);
        }
    }
}
