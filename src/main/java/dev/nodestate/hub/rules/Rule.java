package dev.nodestate.hub.rules;

import java.util.List;
import java.util.Map;

/**
 * One loaded rule: when every condition holds for a change, each proposal becomes a candidate.
 *
 * @param name        unique across the rules directory
 * @param file        where it is defined, as shown to users ({@code rules/default.yaml})
 * @param line        line of the rule's first key
 * @param enabled     {@code enabled: false} keeps a rule listed but never fires it
 * @param when        the conditions, in file order; empty = every change
 * @param propose     the proposals, in file order
 */
public record Rule(String name, String description, String file, int line, boolean enabled, List<Condition> when,
                   List<Proposal> propose) {

    public Rule {
        when = List.copyOf(when);
        propose = List.copyOf(propose);
    }

    /** {@code rules/default.yaml:12}. */
    public String source() {
        return file + ":" + line;
    }

    /**
     * One proposal of a rule.
     *
     * @param priority  higher runs first, 0-100, default 50
     * @param reason    a template with {@code {placeholders}} from the change
     * @param args      arguments for the tool; string values are templates too
     * @param optional  a missing tool is a warning, and the proposal is skipped, instead of an error
     * @param required  state that must stay true: triage always approves it
     * @param available whether the tool existed when the rules were loaded
     * @param line      line of the proposal in its file
     */
    public record Proposal(String tool, int priority, String reason, Map<String, Object> args, boolean optional,
                           boolean available, int line, boolean required) {
        public Proposal {
            args = args == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
        }
    }
}
