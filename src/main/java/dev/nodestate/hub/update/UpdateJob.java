package dev.nodestate.hub.update;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import dev.nodestate.hub.triage.Decision;
import java.time.Instant;
import java.util.List;

/**
 * The approved updates of one node's change, waiting to run; {@code seen} is when the change was detected;
 * {@code callersBefore}: the node's callers as stored before the change (under its previous id for a move or rename).
 */
record UpdateJob(String nodeId, String file, DiffBundle change, List<Candidate> candidates, Decision decision,
                 Instant seen, List<String> callersBefore) {

    UpdateJob {
        callersBefore = callersBefore == null ? List.of() : List.copyOf(callersBefore);
    }

    UpdateJob(String nodeId, String file, DiffBundle change, List<Candidate> candidates, Decision decision, Instant seen) {
        this(nodeId, file, change, candidates, decision, seen, List.of());
    }
}
