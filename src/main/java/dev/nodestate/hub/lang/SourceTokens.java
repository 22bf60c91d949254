package dev.nodestate.hub.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A small lexer for Python and Java source that keeps what code says and drops what it only
 * mentions: comments and string literals are skipped, identifiers, keywords, numbers and
 * operators are returned in order. It never fails: unterminated strings end at the end of their
 * line (or of the text, for triple-quoted strings, text blocks and block comments), and an
 * unknown character is an operator of its own.
 *
 * <p>Skipped: Python {@code #} comments, strings with any prefix combination of r/b/f/u/t
 * (single, double and triple quoted; an f-string's {@code {...}} fields, nested strings
 * included, go with it), backslash line continuations; Java line and block comments (javadoc
 * too), {@code "..."} strings, text blocks and char literals.
 *
 * <p>Approximations: Python soft keywords ({@code match}, {@code case}, {@code type}, {@code _})
 * and Java contextual keywords other than {@code yield} ({@code var}, {@code record},
 * {@code sealed}...) come out as identifiers; Java {@code >>} and {@code >>>} come out as single
 * {@code >} tokens, so that generics close one bracket at a time.
 */
public final class SourceTokens {

    /** What a token is. */
    public enum Kind { IDENTIFIER, KEYWORD, NUMBER, OPERATOR }

    /**
     * One token.
     *
     * @param line      1-based line of its first character
     * @param lineStart it is the first token of a logical line (Python: a newline outside
     *                  brackets and not after a backslash) or of a statement (Java: the first
     *                  token, or one after {@code ;}, <code>{</code> or <code>}</code> outside parentheses, itself
     *                  not a <code>}</code>)
     */
    public record Token(Kind kind, String text, int line, boolean lineStart) {
        public boolean is(String s) {
            return text.equals(s) && kind != Kind.NUMBER;
        }
    }

    static final Set<String> PYTHON_KEYWORDS = Set.of(
            "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
            "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
            "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield");

    static final Set<String> JAVA_KEYWORDS = Set.of(
            "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue",
            "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if",
            "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
            "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
            "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "yield");

    /** Longest first, so that the first match is the longest. */
    private static final List<String> PYTHON_OPERATORS = List.of(
            "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", "==", "!=", "<=", ">=", "<<", ">>", "+=", "-=",
            "*=", "/=", "%=", "&=", "|=", "^=", "@=");

    private static final List<String> JAVA_OPERATORS = List.of(
            "<<=", "...", "->", "::", "++", "--", "&&", "||", "==", "!=", "<=", ">=", "<<", "+=", "-=", "*=", "/=",
            "%=", "&=", "|=", "^=");

    private static final Set<String> PYTHON_STRING_PREFIXES = Set.of(
            "r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt");

    private final String text;
    private final boolean python;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private int line = 1;
    private int depth;
    private boolean atStart = true;

    private SourceTokens(String text, boolean python) {
        this.text = text;
        this.python = python;
    }

    /** The tokens of {@code text} in {@code language} ("python" or "java", any case); null text has none. */
    public static List<Token> of(String language, String text) {
        boolean python = isPython(language);
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        SourceTokens lexer = new SourceTokens(text, python);
        lexer.run();
        return List.copyOf(lexer.out);
    }

    /** Whether {@code language} is Python; Java is the only other language the hub knows. */
    public static boolean isPython(String language) {
        String l = language == null ? "" : language.toLowerCase(Locale.ROOT);
        return switch (l) {
            case "python" -> true;
            case "java" -> false;
            default -> throw new IllegalArgumentException("unsupported language " + (language == null ? "null" : "'" + language + "'")
                    + "; the hub reads python or java");
        };
    }

    /** The keyword set of a language. */
    public static Set<String> keywords(String language) {
        return isPython(language) ? PYTHON_KEYWORDS : JAVA_KEYWORDS;
    }

    private void run() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n' || c == '\r') {
                newline();
            } else if (c == ' ' || c == '\t' || c == '\f') {
                pos++;
            } else if (python && c == '\\' && pos + 1 < text.length() && (text.charAt(pos + 1) == '\n' || text.charAt(pos + 1) == '\r')) {
                pos++;
                skipNewlineChars();
            } else if (python && c == '#') {
                skipToEndOfLine();
            } else if (!python && c == '/' && peek(1) == '/') {
                skipToEndOfLine();
            } else if (!python && c == '/' && peek(1) == '*') {
                skipUntil("*/", pos + 2);
            } else if (c == '"' || c == '\'') {
                if (python) {
                    skipPythonString(pos, false);
                } else {
                    skipJavaLiteral(c);
                }
            } else if (Character.isDigit(c) || c == '.' && Character.isDigit(peek(1))) {
                number();
            } else if (isIdentifierStart(c)) {
                word();
            } else {
                operator();
            }
        }
    }

    private char peek(int ahead) {
        int at = pos + ahead;
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void newline() {
        skipNewlineChars();
        if (python && depth == 0) {
            atStart = true;
        }
    }

    /** Skips one line break (\n, \r or \r\n) at pos. */
    private void skipNewlineChars() {
        if (text.charAt(pos) == '\r' && peek(1) == '\n') {
            pos++;
        }
        pos++;
        line++;
    }

    private void skipToEndOfLine() {
        while (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
            pos++;
        }
    }

    /** Moves pos past {@code end} searched from {@code from}, counting lines; to the end of the text if absent. */
    private void skipUntil(String end, int from) {
        int at = text.indexOf(end, from);
        int stop = at < 0 ? text.length() : at + end.length();
        countLines(pos, stop);
        pos = stop;
    }

    private void countLines(int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')) {
                line++;
            }
        }
    }

    /**
     * Skips a Python string whose prefix (if any) ends right before {@code quoteAt}. In an
     * f-string, replacement fields are skipped with their nested strings. Returns nothing: pos
     * ends after the closing quote.
     */
    private void skipPythonString(int quoteAt, boolean formatted) {
        int start = pos;
        char q = text.charAt(quoteAt);
        boolean triple = quoteAt + 2 < text.length() && text.charAt(quoteAt + 1) == q && text.charAt(quoteAt + 2) == q;
        int i = quoteAt + (triple ? 3 : 1);
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == q && (!triple || i + 2 < text.length() && text.charAt(i + 1) == q && text.charAt(i + 2) == q)) {
                i += triple ? 3 : 1;
                break;
            } else if (!triple && (c == '\n' || c == '\r')) {
                break;
            } else if (formatted && c == '{') {
                i = i + 1 < text.length() && text.charAt(i + 1) == '{' ? i + 2 : skipField(i + 1);
            } else {
                i++;
            }
        }
        i = Math.min(i, text.length());
        countLines(start, i);
        pos = i;
    }

    /** Skips an f-string replacement field starting after its '{'; returns the index after its '}'. */
    private int skipField(int i) {
        int braces = 1;
        while (i < text.length() && braces > 0) {
            char c = text.charAt(i);
            if (c == '{') {
                braces++;
                i++;
            } else if (c == '}') {
                braces--;
                i++;
            } else if (c == '"' || c == '\'') {
                int saved = pos;
                int savedLine = line;
                pos = i;
                skipPythonString(i, prefixIsFormatted(i));
                i = pos;
                pos = saved;
                line = savedLine;
            } else {
                i++;
            }
        }
        return i;
    }

    private boolean prefixIsFormatted(int quoteAt) {
        int j = quoteAt;
        while (j > 0 && Character.isLetter(text.charAt(j - 1)) && quoteAt - j < 2) {
            j--;
        }
        return text.substring(j, quoteAt).toLowerCase(Locale.ROOT).contains("f");
    }

    /** A Java string, text block or char literal at pos. */
    private void skipJavaLiteral(char q) {
        if (q == '"' && peek(1) == '"' && peek(2) == '"') {
            int i = pos + 3;
            while (i < text.length() && !text.startsWith("\"\"\"", i)) {
                i += text.charAt(i) == '\\' ? 2 : 1;
            }
            int stop = Math.min(text.length(), i + 3);
            countLines(pos, stop);
            pos = stop;
            return;
        }
        int i = pos + 1;
        while (i < text.length() && text.charAt(i) != q && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
            i += text.charAt(i) == '\\' ? 2 : 1;
        }
        pos = Math.min(text.length(), i < text.length() && text.charAt(i) == q ? i + 1 : i);
    }

    private void number() {
        int start = pos;
        boolean hex = text.charAt(pos) == '0' && (peek(1) == 'x' || peek(1) == 'X');
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
                pos++;
            } else if ((c == '+' || c == '-') && !hex && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E')) {
                pos++;
            } else {
                break;
            }
        }
        add(Kind.NUMBER, text.substring(start, pos));
    }

    private void word() {
        int start = pos;
        while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
            pos++;
        }
        String w = text.substring(start, pos);
        if (python && pos < text.length() && (text.charAt(pos) == '"' || text.charAt(pos) == '\'')
                && PYTHON_STRING_PREFIXES.contains(w.toLowerCase(Locale.ROOT))) {
            pos = start;
            skipPythonString(start + w.length(), w.toLowerCase(Locale.ROOT).contains("f"));
            return;
        }
        add((python ? PYTHON_KEYWORDS : JAVA_KEYWORDS).contains(w) ? Kind.KEYWORD : Kind.IDENTIFIER, w);
    }

    private void operator() {
        String op = String.valueOf(text.charAt(pos));
        for (String candidate : python ? PYTHON_OPERATORS : JAVA_OPERATORS) {
            if (text.startsWith(candidate, pos)) {
                op = candidate;
                break;
            }
        }
        pos += op.length();
        add(Kind.OPERATOR, op);
        switch (op) {
            case "(", "[", "{" -> depth += python || !op.equals("{") ? 1 : 0;
            case ")", "]", "}" -> depth = Math.max(0, depth - (python || !op.equals("}") ? 1 : 0));
            default -> { }
        }
        if (!python && depth == 0 && (op.equals(";") || op.equals("{") || op.equals("}"))) {
            atStart = true;
        }
    }

    private void add(Kind kind, String s) {
        out.add(new Token(kind, s, line, atStart && (python || !s.equals("}"))));
        atStart = false;
    }

    private boolean isIdentifierStart(char c) {
        return python ? Character.isLetter(c) || c == '_' || Character.isUnicodeIdentifierStart(c)
                : Character.isJavaIdentifierStart(c);
    }

    private boolean isIdentifierPart(char c) {
        return python ? Character.isLetterOrDigit(c) || c == '_' || Character.isUnicodeIdentifierPart(c) && !Character.isIdentifierIgnorable(c)
                : Character.isJavaIdentifierPart(c) && !Character.isIdentifierIgnorable(c);
    }
}
