package dev.nodestate.hub.rules;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.store.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text with {@code {placeholder}} fields filled from a change: a proposal's {@code reason} and
 * its string {@code args}. The names are checked when rules load; {@code {{} and {@code }}} stand
 * for literal braces.
 */
final class Template {

    private static final Pattern FIELD = Pattern.compile("\\{\\{|}}|\\{([^{}]*)}");

    /** Every placeholder and how to read it; a missing value reads as "none". */
    static final Map<String, BiFunction<DiffBundle, NodeState, Object>> FIELDS = fields();

    private static Map<String, BiFunction<DiffBundle, NodeState, Object>> fields() {
        Map<String, BiFunction<DiffBundle, NodeState, Object>> f = new TreeMap<>();
        f.put("node_id", (c, n) -> c.nodeId());
        f.put("previous_id", (c, n) -> c.previousId());
        f.put("kind", (c, n) -> c.kind() == null ? null : c.kind().name().toLowerCase(Locale.ROOT));
        f.put("file", (c, n) -> c.file());
        f.put("language", (c, n) -> c.language());
        f.put("node_type", (c, n) -> c.nodeType() == null ? null : c.nodeType().name().toLowerCase(Locale.ROOT));
        f.put("old_signature", (c, n) -> c.structural() == null ? null : c.structural().oldSignature());
        f.put("new_signature", (c, n) -> c.structural() == null ? null : c.structural().newSignature());
        f.put("parameters_added", (c, n) -> c.structural() == null ? null : c.structural().parametersAdded());
        f.put("parameters_removed", (c, n) -> c.structural() == null ? null : c.structural().parametersRemoved());
        f.put("structural", (c, n) -> Condition.flagsOf(c));
        f.put("complexity_before", (c, n) -> c.ast() == null ? null : c.ast().complexityBefore());
        f.put("complexity_after", (c, n) -> c.ast() == null ? null : c.ast().complexityAfter());
        f.put("complexity_delta", (c, n) -> c.ast() == null ? null : signed(c.ast().complexityDelta()));
        f.put("calls_added", (c, n) -> c.ast() == null ? null : c.ast().callsAdded());
        f.put("calls_removed", (c, n) -> c.ast() == null ? null : c.ast().callsRemoved());
        f.put("semantic_drift", (c, n) -> c.embedding() == null ? null : Condition.number(c.embedding().drift()));
        f.put("lines_added", (c, n) -> c.standard() == null ? null : c.standard().linesAdded());
        f.put("lines_removed", (c, n) -> c.standard() == null ? null : c.standard().linesRemoved());
        f.put("lines_changed", (c, n) -> c.standard() == null ? null : c.standard().linesAdded() + c.standard().linesRemoved());
        f.put("node_complexity", (c, n) -> n == null ? null : n.complexity());
        f.put("signature", (c, n) -> n == null ? null : n.signature());
        return f;
    }

    private Template() {
    }

    private static String signed(int v) {
        return v > 0 ? "+" + v : Integer.toString(v);
    }

    /** The placeholder names in {@code text} that are not known, in order of appearance; a lone brace is "{". */
    static List<String> unknown(String text) {
        List<String> bad = new ArrayList<>();
        Matcher m = FIELD.matcher(text);
        while (m.find()) {
            if (m.group(1) != null && !FIELDS.containsKey(m.group(1))) {
                bad.add(m.group(1));
            }
        }
        return bad;
    }

    static String expand(String text, DiffBundle change, NodeState node) {
        Matcher m = FIELD.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1) == null) {
                replacement = m.group().substring(1);
            } else {
                var field = FIELDS.get(m.group(1));
                Object value = field == null ? null : field.apply(change, node);
                replacement = switch (value) {
                    case null -> "none";
                    case List<?> l when l.isEmpty() -> "none";
                    case List<?> l -> String.join(", ", l.stream().map(String::valueOf).toList());
                    default -> value.toString();
                };
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
