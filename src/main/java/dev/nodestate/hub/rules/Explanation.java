package dev.nodestate.hub.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.store.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code hub rules explain}'s answer for one node's last change, rendered the same way whether the rules are the
 * running hub's last good ones (the hub renders it for its {@code rules_explain} request) or the ones on disk.
 *
 * @param rulesFrom where the rules came from, as the text's {@code rules:} line says it ("on disk", "the running
 *                  hub's (pid N), last good load at T")
 * @param pid       the hub's pid, or null when the rules were read from disk
 * @param loadedAt  when the hub last loaded good rules (ISO-8601), or null when read from disk
 */
public record Explanation(String nodeId, DiffBundle change, RuleSet rules, Evaluation evaluation, String rulesFrom,
                          Long pid, String loadedAt) {

    /** Evaluates {@code rules} on {@code change} (the node's last recorded change; {@code state} its state). */
    public static Explanation of(String nodeId, DiffBundle change, NodeState state, RuleSet rules, String rulesFrom,
            Long pid, String loadedAt) {
        return new Explanation(nodeId, change, rules, rules.evaluate(change, state), rulesFrom, pid, loadedAt);
    }

    /** The --json document: node, rules directory, where the rules came from, the change, candidates and rule checks. */
    public ObjectNode json(ObjectMapper mapper) {
        ObjectNode doc = mapper.createObjectNode().put("node_id", nodeId).put("rules_dir", rules.directory().toString());
        ObjectNode from = doc.putObject("rules_from").put("source", pid == null ? "disk" : "hub");
        if (pid == null) {
            from.putNull("pid").putNull("loaded_at");
        } else {
            from.put("pid", pid).put("loaded_at", loadedAt);
        }
        doc.set("change", mapper.valueToTree(change));
        doc.set("candidates", mapper.valueToTree(evaluation.candidates()));
        doc.set("rules", mapper.valueToTree(evaluation.rules()));
        return doc;
    }

    /** The text lines: the change, which rules (and from where), each rule's checks, the candidates. */
    public List<String> text() {
        List<String> lines = new ArrayList<>();
        lines.add("%s: %s %s %s in %s".formatted(nodeId, change.kind() == null ? "?" : change.kind().name().toLowerCase(Locale.ROOT),
                change.language(), change.nodeType() == null ? "node" : change.nodeType().name().toLowerCase(Locale.ROOT),
                change.file()));
        lines.add("rules: %s: %s (%d rule(s), %d fired)".formatted(rulesFrom, rules.directory(), rules.rules().size(),
                evaluation.fired().size()));
        lines.addAll(evaluation.explain());
        lines.add("candidates (%d):".formatted(evaluation.candidates().size()));
        for (Candidate c : evaluation.candidates()) {
            lines.add("  %3d %-20s %s  [%s]%s".formatted(c.priority(), c.tool(), c.reason(), c.source(),
                    c.args().isEmpty() ? "" : "  args " + c.args()));
        }
        return lines;
    }
}
