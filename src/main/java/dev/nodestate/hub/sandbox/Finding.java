package dev.nodestate.hub.sandbox;

/** One checker finding on a .pym file. Codes are stable: PYMnnn are errors, PYWnnn warnings. */
public record Finding(String code, String severity, int line, int column, String message, String suggestion) {

    public boolean isError() {
        return "error".equals(severity);
    }

    public String describe() {
        return line + ":" + column + " " + code + " " + message;
    }
}
