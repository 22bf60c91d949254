package dev.nodestate.hub.triage;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import java.util.List;

/**
 * Decides which candidate updates of one node's change run. Every candidate comes back either
 * approved or rejected, each with a reason: {@link DeterministicTriage} (the fallback and the
 * baseline) or the model agent defined in {@code triage/} ({@link TriageAgent}).
 */
public interface Triage extends AutoCloseable {

    Decision decide(DiffBundle change, List<Candidate> candidates);

    /** As {@link #decide(DiffBundle, List)}, knowing the node's stored state (null when removed or unknown). */
    default Decision decide(DiffBundle change, dev.nodestate.hub.store.NodeState node, List<Candidate> candidates) {
        return decide(change, candidates);
    }

    @Override
    default void close() {
    }

    /** A short name for traces ("deterministic", "model:functiongemma"...). */
    String name();
}
