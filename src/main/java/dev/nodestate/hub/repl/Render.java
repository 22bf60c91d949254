package dev.nodestate.hub.repl;

import dev.nodestate.hub.store.NodeState;
import java.util.List;
import java.util.Locale;

/** Plain-text renderings shared by the REPL and the one-shot commands (`hub show` prints {@link #node}). */
public final class Render {

    private Render() {
    }

    /** One node's state, as `hub show` prints it (ends with a newline). */
    public static String node(NodeState n) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%s  (%s, %s, lines %d-%d)%n", n.id(), n.nodeType().name().toLowerCase(Locale.ROOT),
                n.language(), n.startLine(), n.endLine()));
        if (n.signature() != null) {
            out.append("  ").append(n.signature()).append(System.lineSeparator());
        }
        if (n.docstring() != null) {
            out.append("  \"").append(n.docstring()).append('"').append(System.lineSeparator());
        }
        if (!n.decorators().isEmpty()) {
            out.append("  decorators: ").append(String.join(" ", n.decorators())).append(System.lineSeparator());
        }
        out.append(String.format("  complexity %s, %d lines, type hints %s%n", n.complexity(), n.lineCount(),
                n.hasTypeHints() ? "yes" : "no"));
        if (!n.imports().isEmpty()) {
            out.append("  imports: ").append(String.join("; ", n.imports())).append(System.lineSeparator());
        }
        out.append("  callers: ").append(n.callers() == null ? "not computed" : n.callers()).append(System.lineSeparator());
        out.append("  callees: ").append(n.callees() == null ? "not computed" : n.callees()).append(System.lineSeparator());
        out.append("  tests:   ").append(n.relatedTests() == null ? "not computed" : n.relatedTests()).append(System.lineSeparator());
        out.append("  updated ").append(n.lastUpdated()).append(" (").append(n.updateSource().name().toLowerCase(Locale.ROOT))
                .append(')').append(System.lineSeparator());
        return out.toString();
    }

    /** A relation list: "not computed yet" for null, "none" for empty, else one id per line. */
    static String list(String title, List<String> ids, String notComputed) {
        if (ids == null) {
            return title + ": not computed yet (" + notComputed + ")\n";
        }
        if (ids.isEmpty()) {
            return title + ": none\n";
        }
        StringBuilder sb = new StringBuilder(title).append(" (").append(ids.size()).append("):\n");
        ids.forEach(id -> sb.append("  ").append(id).append('\n'));
        return sb.toString();
    }

    /** A list on one line, at most {@code max} items then "+N more". */
    static String inline(List<String> items, int max) {
        String shown = String.join(", ", items.stream().limit(max).toList());
        return items.size() > max ? shown + " (+" + (items.size() - max) + " more)" : shown;
    }
}
