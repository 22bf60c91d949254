package dev.nodestate.hub.rules;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.store.NodeState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of one directory as loaded, with the problems found. A set with errors leaves out the
 * rules that have them; {@link RulesRegistry} never puts such a set in service.
 *
 * @param directory the rules directory (absolute)
 * @param files     the files read, as shown ({@code rules/default.yaml})
 * @param rules     the valid rules, in file-name then file order
 * @param problems  errors and warnings, in the order found
 */
public record RuleSet(Path directory, List<String> files, List<Rule> rules, List<Problem> problems) {

    public RuleSet {
        files = List.copyOf(files);
        rules = List.copyOf(rules);
        problems = List.copyOf(problems);
    }

    /**
     * Loads every {@code *.yaml} in {@code dir}. {@code toolExists} says whether an update tool of
     * that name is installed. Throws {@code HubException} (NOT_FOUND) when {@code dir} is missing;
     * everything else wrong is a {@link Problem}.
     */
    public static RuleSet load(Path dir, java.util.function.Predicate<String> toolExists) {
        return RuleLoader.load(dir, toolExists);
    }

    /** No rules at all: what a registry serves until a first valid load. */
    public static RuleSet empty(Path dir) {
        return new RuleSet(dir.toAbsolutePath().normalize(), List.of(), List.of(), List.of());
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }

    public Optional<Rule> rule(String name) {
        return rules.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /**
     * Runs every rule on one change. {@code node} is the node's state after the change, null for a
     * removed node (conditions on it then fail with "unknown"). Deterministic: same inputs, same
     * candidates and explanations in the same order.
     */
    public Evaluation evaluate(DiffBundle change, NodeState node) {
        String nodeId = change.nodeId() != null ? change.nodeId() : node != null ? node.id().toString() : null;
        record Outcome(Rule rule, List<Condition.Check> checks, boolean fired, List<Candidate> proposed, List<String> notes) {
        }
        List<Outcome> outcomes = new ArrayList<>();
        List<Candidate> all = new ArrayList<>();
        for (Rule rule : rules) {
            List<Condition.Check> checks = rule.when().stream().map(c -> c.check(change, node)).toList();
            boolean fired = rule.enabled() && checks.stream().allMatch(Condition.Check::passed);
            List<String> ruleNotes = new ArrayList<>();
            List<Candidate> proposed = new ArrayList<>();
            if (!rule.enabled()) {
                ruleNotes.add("disabled (enabled: false)");
            } else if (fired) {
                for (Rule.Proposal p : rule.propose()) {
                    if (!p.available()) {
                        ruleNotes.add("skipped " + p.tool() + ": the tool is not installed (optional proposal)");
                        continue;
                    }
                    String reason = Template.expand(p.reason() != null ? p.reason() : "rule " + rule.name() + " fired", change, node);
                    proposed.add(new Candidate(nodeId, p.tool(), expandArgs(p.args(), change, node), p.priority(), reason,
                            rule.name(), rule.file() + ":" + p.line(), p.required()));
                }
            }
            all.addAll(proposed);
            outcomes.add(new Outcome(rule, checks, fired, proposed, ruleNotes));
        }
        // stable: ties keep rule and proposal order
        List<Candidate> sorted = all.stream().sorted(Comparator.comparingInt(Candidate::priority).reversed()).toList();
        Map<String, Candidate> kept = new LinkedHashMap<>();
        for (Candidate c : sorted) {
            String key = c.tool() + " " + c.args();
            Candidate first = kept.putIfAbsent(key, c);
            if (first != null) {
                outcomes.get(indexOf(c.rule())).notes().add(c.tool() + " is also proposed by rule '" + first.rule() + "' (priority "
                        + first.priority() + "); it runs once");
            }
        }
        List<Evaluation.RuleResult> results = outcomes.stream().map(o -> new Evaluation.RuleResult(o.rule().name(),
                o.rule().source(), o.rule().description(), o.fired(), o.checks(), o.proposed(), o.notes())).toList();
        return new Evaluation(nodeId, List.copyOf(kept.values()), results);
    }

    private int indexOf(String ruleName) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).name().equals(ruleName)) {
                return i;
            }
        }
        throw new IllegalStateException(ruleName);
    }

    private static Map<String, Object> expandArgs(Map<String, Object> args, DiffBundle change, NodeState node) {
        Map<String, Object> out = new LinkedHashMap<>();
        args.forEach((k, v) -> out.put(k, expand(v, change, node)));
        return out;
    }

    private static Object expand(Object value, DiffBundle change, NodeState node) {
        return switch (value) {
            case String s -> Template.expand(s, change, node);
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), expand(v, change, node)));
                yield out;
            }
            case List<?> l -> l.stream().map(v -> expand(v, change, node)).toList();
            case null, default -> value;
        };
    }
}
