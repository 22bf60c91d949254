package dev.nodestate.hub.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * What the rules made of one change: the candidates, highest priority first (ties in rule and
 * proposal order; the same tool with the same args proposed twice is kept once, at its highest
 * priority), and for every rule, in rule order, whether it fired and why.
 */
public record Evaluation(String nodeId, List<Candidate> candidates, List<RuleResult> rules) {

    public Evaluation {
        candidates = List.copyOf(candidates);
        rules = List.copyOf(rules);
    }

    /**
     * One rule on one change.
     *
     * @param checks     every condition with what it needed and what the change had, in file order
     * @param candidates what this rule proposed (before merging with other rules' proposals)
     * @param notes      why a proposal was skipped or merged, or why the rule is off
     */
    public record RuleResult(String rule, String source, String description, boolean fired, List<Condition.Check> checks,
                             List<Candidate> candidates, List<String> notes) {
        public RuleResult {
            checks = List.copyOf(checks);
            candidates = List.copyOf(candidates);
            notes = List.copyOf(notes);
        }
    }

    public List<RuleResult> fired() {
        return rules.stream().filter(RuleResult::fired).toList();
    }

    /** Human-readable lines: each rule, its checks, its candidates and notes. */
    public List<String> explain() {
        List<String> lines = new ArrayList<>();
        for (RuleResult r : rules) {
            lines.add((r.fired() ? "fired    " : "no       ") + r.rule() + "  (" + r.source() + ")");
            if (r.checks().isEmpty()) {
                lines.add("    (no conditions: matches every change)");
            }
            for (Condition.Check c : r.checks()) {
                lines.add("    " + (c.passed() ? "ok   " : "FAIL ") + c.describe());
            }
            for (Candidate c : r.candidates()) {
                lines.add("    -> " + c.tool() + " (priority " + c.priority() + ")" + (c.reason() == null ? "" : ": " + c.reason()));
            }
            r.notes().forEach(n -> lines.add("    note: " + n));
        }
        return lines;
    }
}
