package dev.nodestate.hub.sandbox;

/** The lines around a failing .pym line, numbered, with the failing one marked. */
final class SourceContext {

    private SourceContext() {
    }

    static String around(String source, int line) {
        if (line <= 0) {
            return "";
        }
        String[] lines = source.split("\n", -1);
        StringBuilder out = new StringBuilder();
        for (int i = Math.max(1, line - 2); i <= Math.min(lines.length, line + 2); i++) {
            out.append(i == line ? "> " : "  ").append(String.format("%4d | ", i)).append(lines[i - 1]).append('\n');
        }
        return out.toString().stripTrailing();
    }
}
