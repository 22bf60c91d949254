package dev.nodestate.hub.sandbox;

import java.util.List;

/** Why a tool did not produce a result. A closed set: every failure is one of these. */
public sealed interface ToolError {

    String tool();

    String message();

    /** Short name used in traces, JSON output and the CLI. */
    default String kind() {
        return switch (this) {
            case Parse p -> "ParseError";
            case Check c -> "CheckError";
            case Input i -> "InputError";
            case External e -> "ExternalError";
            case Execution e -> "ExecutionError";
            case Limit l -> "LimitError";
            case Output o -> "OutputError";
        };
    }

    /** One line for people: kind, tool, place and message. */
    default String describe() {
        String where = switch (this) {
            case Parse p -> ":" + p.line() + ":" + p.column();
            case Execution e when e.line() > 0 -> ":" + e.line();
            case External e when e.line() > 0 -> ":" + e.line();
            case Limit l when l.line() > 0 -> ":" + l.line();
            default -> "";
        };
        String text = kind() + " in " + tool() + where + ": " + message();
        if (this instanceof Execution e && !e.context().isEmpty()) {
            text += "\n" + e.context();
        }
        return text;
    }

    record Parse(String tool, int line, int column, String message) implements ToolError {
    }

    record Check(String tool, List<Finding> findings) implements ToolError {
        @Override
        public String message() {
            return findings.stream().filter(Finding::isError).map(Finding::describe)
                    .reduce((a, b) -> a + "; " + b).orElse("check failed");
        }
    }

    record Input(String tool, String input, String message) implements ToolError {
    }

    record External(String tool, int line, String message) implements ToolError {
    }

    /** An exception the script raised; {@code context} holds the .pym line and two lines around it. */
    record Execution(String tool, String pythonType, int line, String context, String message) implements ToolError {
    }

    enum LimitKind { TIME, MEMORY, RECURSION, OUTPUT }

    record Limit(String tool, LimitKind limit, int line, String message) implements ToolError {
    }

    record Output(String tool, String message) implements ToolError {
    }
}
