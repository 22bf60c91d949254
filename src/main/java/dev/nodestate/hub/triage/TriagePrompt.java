package dev.nodestate.hub.triage;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import dev.nodestate.hub.store.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The user turn the model reads for one change: the node's state, the diff bundle in short, the candidates. */
final class TriagePrompt {

    /** Used when {@code triage/agent.yaml} names no prompt file. */
    static final String DEFAULT_INSTRUCTION = """
            You are the triage agent of a code index. A node (function, method or class) of a repository
            changed. You are given its stored state, what changed, and candidate updates; each candidate
            recomputes some stored facts. Call the function of every update whose facts this change can
            have made wrong, each with a short reason. Skip updates whose facts cannot have changed.
            If none is needed, call no_update with the reason.""";

    private TriagePrompt() {
    }

    static String user(DiffBundle change, NodeState node, Map<String, Candidate> byName) {
        StringBuilder sb = new StringBuilder();
        sb.append("Node: ").append(change.nodeId()).append(" (")
                .append(change.nodeType() == null ? "node" : change.nodeType().name().toLowerCase(Locale.ROOT)).append(", ")
                .append(change.language()).append(")\n");
        if (node != null) {
            List<String> facts = new ArrayList<>();
            if (node.signature() != null) {
                facts.add("signature " + node.signature());
            }
            facts.add((node.callers() == null ? "callers unknown" : node.callers().size() + " callers"));
            facts.add((node.relatedTests() == null ? "tests unknown" : node.relatedTests().size() + " tests"));
            if (node.complexity() != null) {
                facts.add("complexity " + node.complexity());
            }
            sb.append("State: ").append(String.join("; ", facts)).append('\n');
        }
        sb.append("Change: ").append(describe(change)).append('\n');
        sb.append("Candidates:\n");
        byName.forEach((name, c) -> sb.append("- ").append(name).append(": ").append(c.tool()).append(" (rule ").append(c.rule())
                .append(", priority ").append(c.priority()).append("): ").append(c.reason()).append('\n'));
        return sb.toString().strip();
    }

    /** {@code changed; signature def f(x) -> def f(x, y); lines +3 -1; calls added g; complexity 2 -> 4}. */
    static String describe(DiffBundle b) {
        return b.summary();
    }
}
