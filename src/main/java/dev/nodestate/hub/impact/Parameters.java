package dev.nodestate.hub.impact;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.nodestate.hub.diff.Signatures;
import dev.nodestate.hub.lang.SourceTokens;
import java.util.ArrayList;
import java.util.List;

/**
 * A function's parameter list as a call sees it, read from the signature the extraction tools write: Python's kinds
 * (positional-only before {@code /}, keyword-only after {@code *} or {@code *args}, {@code *args}, {@code **kwargs})
 * and defaults; Java's parameters in order, the last one varargs when its type ends in {@code ...}.
 */
record Parameters(List<Param> params) {

    enum Kind { POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD, VAR_POSITIONAL, KEYWORD_ONLY, VAR_KEYWORD }

    /** One parameter: its name (no stars), kind and whether it has a default. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Param(String name, Kind kind, boolean hasDefault, String text) {
        boolean required() {
            return !hasDefault && (kind == Kind.POSITIONAL_ONLY || kind == Kind.POSITIONAL_OR_KEYWORD || kind == Kind.KEYWORD_ONLY);
        }

        boolean positional() {
            return kind == Kind.POSITIONAL_ONLY || kind == Kind.POSITIONAL_OR_KEYWORD;
        }
    }

    static Parameters of(String language, String signature) {
        List<String> texts = Signatures.parameterTexts(language, signature);
        List<Param> out = new ArrayList<>();
        if (!SourceTokens.isPython(language)) {
            for (int i = 0; i < texts.size(); i++) {
                String t = texts.get(i);
                boolean varargs = i == texts.size() - 1 && t.contains("...");
                out.add(new Param(javaName(t), varargs ? Kind.VAR_POSITIONAL : Kind.POSITIONAL_ONLY, false, t));
            }
            return new Parameters(List.copyOf(out));
        }
        boolean keywordOnly = false;
        for (String t : texts) {
            if (t.equals("/")) {
                out.replaceAll(p -> p.kind() == Kind.POSITIONAL_OR_KEYWORD ? new Param(p.name(), Kind.POSITIONAL_ONLY, p.hasDefault(), p.text()) : p);
            } else if (t.equals("*")) {
                keywordOnly = true;
            } else if (t.startsWith("**")) {
                out.add(new Param(pythonName(t.substring(2)), Kind.VAR_KEYWORD, false, t));
            } else if (t.startsWith("*")) {
                out.add(new Param(pythonName(t.substring(1)), Kind.VAR_POSITIONAL, false, t));
                keywordOnly = true;
            } else {
                out.add(new Param(pythonName(t), keywordOnly ? Kind.KEYWORD_ONLY : Kind.POSITIONAL_OR_KEYWORD, hasDefault(t), t));
            }
        }
        return new Parameters(List.copyOf(out));
    }

    /** The parameters a call through an instance or class passes, without the bound {@code self}/{@code cls}. */
    Parameters bound() {
        return params.isEmpty() ? this : new Parameters(params.subList(1, params.size()));
    }

    boolean has(Kind kind) {
        return params.stream().anyMatch(p -> p.kind() == kind);
    }

    Param named(String name) {
        return params.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    List<Param> positional() {
        return params.stream().filter(Param::positional).toList();
    }

    List<String> names() {
        return params.stream().map(Param::name).toList();
    }

    String first() {
        return params.isEmpty() ? null : params.getFirst().name();
    }

    /** {@code x: int = 3} has a default; an {@code =} inside brackets or a string annotation does not count. */
    private static boolean hasDefault(String text) {
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                int end = text.indexOf(c, i + 1);
                i = end < 0 ? text.length() : end;
            } else if (c == '[' || c == '(' || c == '{') {
                depth++;
            } else if (c == ']' || c == ')' || c == '}') {
                depth--;
            } else if (c == '=' && depth == 0) {
                return true;
            }
        }
        return false;
    }

    private static String pythonName(String text) {
        int j = 0;
        while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
            j++;
        }
        return text.substring(0, j);
    }

    private static String javaName(String text) {
        String p = text.replaceAll("(\\s*\\[\\s*])+$", "");
        int j = p.length();
        while (j > 0 && Character.isJavaIdentifierPart(p.charAt(j - 1))) {
            j--;
        }
        return p.substring(j);
    }
}
