package dev.nodestate.hub.update;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import dev.nodestate.hub.triage.Decision;
import java.time.Instant;
import java.util.List;

/** The approved updates of one node's change, waiting to run; {@code seen} is when the change was detected. */
record UpdateJob(String nodeId, String file, DiffBundle change, List<Candidate> candidates, Decision decision,
                 Instant seen) {
}
