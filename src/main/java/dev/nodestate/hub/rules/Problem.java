package dev.nodestate.hub.rules;

/**
 * One error or warning found while loading rules. {@code file} is shown as the rules directory's
 * name and the file name ({@code rules/default.yaml}); {@code path} is the field path inside the
 * file ({@code rules[2].when.complexity_delta.abs_gte}, empty for the whole file); {@code message}
 * says what is wrong and {@code hint} what to do.
 */
public record Problem(String file, int line, int column, Severity severity, String path, String message, String hint) {

    /** An error makes the rule set unusable; a warning does not. */
    public enum Severity {
        ERROR, WARNING;

        @Override
        @com.fasterxml.jackson.annotation.JsonValue
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code rules/x.yaml:12: error: rules[0].when.kind: unknown kind 'chnaged' (use one of ...)}. */
    public String describe() {
        return file + ":" + line + ": " + severity + ": " + (path.isEmpty() ? "" : path + ": ") + message
                + (hint == null || hint.isEmpty() ? "" : " (" + hint + ")");
    }
}
