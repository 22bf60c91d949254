package dev.nodestate.hub.triage;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import java.util.List;

/**
 * Decides which candidate updates of one node's change run. Every candidate comes back either
 * approved or rejected, each with a reason. The deterministic policy ships now; a model runner
 * (FunctionGemma behind an OpenAI-compatible endpoint) plugs in here later.
 */
public interface Triage {

    Decision decide(DiffBundle change, List<Candidate> candidates);

    /** A short name for traces ("deterministic", "model:functiongemma"...). */
    String name();
}
