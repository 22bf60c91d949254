package dev.nodestate.hub.diff;

import dev.nodestate.hub.lang.SourceTokens;
import dev.nodestate.hub.lang.SourceTokens.Kind;
import dev.nodestate.hub.lang.SourceTokens.Token;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Control-flow counts and called names of a node body, read from its tokens (so comments and
 * strings never count). Approximations, chosen to be cheap and predictable rather than exact:
 * <ul>
 *   <li>branches: {@code if} (a Python conditional expression and a comprehension's {@code if}
 *       too), {@code elif}, Java {@code case} and ternary {@code ?} (not a generic wildcard:
 *       a {@code ?} after {@code <} or before {@code >}, {@code ,}, {@code extends}, {@code super});
 *       Python's soft keyword {@code case} counts when it starts a logical line, is followed by
 *       something other than <code>= . : , ) ] }</code> or an assignment operator, and the line has
 *       a {@code :} outside brackets;</li>
 *   <li>loops: {@code for} and {@code while} (a comprehension's {@code for} too; a Java
 *       {@code do ... while} counts once, by its {@code while});</li>
 *   <li>try: {@code try};</li>
 *   <li>calls: an identifier or dotted name ({@code self.a.b}, {@code this.x}) right before
 *       {@code (}; keywords are never calls (so {@code super(...)}/{@code this(...)} are not);
 *       not a name after {@code def}/{@code class}, nor after {@code @} in Java (annotations);
 *       {@code new Foo(} and {@code new Foo<>(} call {@code Foo}. In Java a simple name before
 *       {@code (} is a declaration, not a call, when its {@code )} is followed by
 *       <code>{</code> or {@code throws}, or the name follows an identifier, a primitive type,
 *       {@code void}, {@code ]}, or a {@code >} that closes a generic type. After {@code )} or
 *       {@code ]} ({@code f(x).g(}) the name is the bare method name.</li>
 * </ul>
 */
record BodyFacts(int branches, int loops, int tries, SortedSet<String> calls) {

    static final BodyFacts NONE = new BodyFacts(0, 0, 0, new TreeSet<>());

    private static final Set<String> JAVA_TYPE_KEYWORDS = Set.of(
            "void", "boolean", "byte", "char", "short", "int", "long", "float", "double");

    private static final Set<String> JAVA_DECLARATION_MODIFIERS = Set.of(
            "public", "protected", "private", "static", "final", "abstract", "synchronized", "native", "strictfp");

    static BodyFacts of(String language, List<Token> tokens) {
        boolean python = SourceTokens.isPython(language);
        int branches = 0;
        int loops = 0;
        int tries = 0;
        SortedSet<String> calls = new TreeSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.KEYWORD) {
                switch (t.text()) {
                    case "if", "elif" -> branches++;
                    case "case" -> branches += python ? 0 : 1;
                    case "for", "while" -> loops++;
                    case "try" -> tries++;
                    default -> { }
                }
            } else if (python && t.kind() == Kind.IDENTIFIER && t.text().equals("case") && isPythonCase(tokens, i)) {
                branches++;
            } else if (!python && t.kind() == Kind.OPERATOR && t.text().equals("?") && !isWildcard(tokens, i)) {
                branches++;
            }
            if (t.kind() == Kind.OPERATOR && t.text().equals("(") && i > 0) {
                String call = python ? pythonCall(tokens, i) : javaCall(tokens, i);
                if (call != null) {
                    calls.add(call);
                }
            }
        }
        return new BodyFacts(branches, loops, tries, calls);
    }

    private static boolean isPythonCase(List<Token> tokens, int i) {
        if (!tokens.get(i).lineStart() || i + 1 >= tokens.size() || tokens.get(i + 1).lineStart()) {
            return false;
        }
        Token next = tokens.get(i + 1);
        if (next.kind() == Kind.OPERATOR && (next.text().endsWith("=") || Set.of(".", ":", ",", ")", "]", "}").contains(next.text()))) {
            return false;
        }
        int depth = 0;
        for (int j = i + 1; j < tokens.size() && !tokens.get(j).lineStart(); j++) {
            Token u = tokens.get(j);
            if (u.kind() != Kind.OPERATOR) {
                continue;
            }
            switch (u.text()) {
                case "(", "[", "{" -> depth++;
                case ")", "]", "}" -> depth--;
                case ":" -> {
                    if (depth == 0) {
                        return true;
                    }
                }
                default -> { }
            }
        }
        return false;
    }

    private static boolean isWildcard(List<Token> tokens, int i) {
        Token prev = i > 0 ? tokens.get(i - 1) : null;
        Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
        return prev != null && prev.is("<")
                || next != null && (next.is(">") || next.is(",") || next.is("extends") || next.is("super"));
    }

    /** Index of the first token of the dotted name ending at {@code end} (an identifier). */
    private static int chainStart(List<Token> tokens, int end, boolean python) {
        int j = end;
        while (j >= 2 && tokens.get(j - 1).is(".") && isNamePart(tokens.get(j - 2), python)) {
            j -= 2;
        }
        return j;
    }

    private static boolean isNamePart(Token t, boolean python) {
        return t.kind() == Kind.IDENTIFIER || !python && t.kind() == Kind.KEYWORD && (t.is("this") || t.is("super"));
    }

    private static String name(List<Token> tokens, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int k = from; k <= to; k++) {
            s.append(tokens.get(k).text());
        }
        return s.toString();
    }

    private static String pythonCall(List<Token> tokens, int paren) {
        int end = paren - 1;
        if (tokens.get(end).kind() != Kind.IDENTIFIER) {
            return null;
        }
        int start = chainStart(tokens, end, true);
        if (start > 0 && (tokens.get(start - 1).is("def") || tokens.get(start - 1).is("class"))) {
            return null;
        }
        return name(tokens, start, end);
    }

    private static String javaCall(List<Token> tokens, int paren) {
        int end = paren - 1;
        Token last = tokens.get(end);
        if (last.is(">")) {
            // new Foo<Bar>( or new Foo<>(
            int open = openingAngle(tokens, end);
            if (open > 0 && tokens.get(open - 1).kind() == Kind.IDENTIFIER) {
                int start = chainStart(tokens, open - 1, false);
                if (start > 0 && tokens.get(start - 1).is("new")) {
                    return name(tokens, start, open - 1);
                }
            }
            return null;
        }
        if (last.kind() != Kind.IDENTIFIER) {
            return null;
        }
        int start = chainStart(tokens, end, false);
        Token prev = start > 0 ? tokens.get(start - 1) : null;
        if (prev != null && prev.is("@")) {
            return null;
        }
        if (prev != null && prev.is("new")) {
            return name(tokens, start, end);
        }
        if (start == end && isJavaDeclaration(tokens, paren, prev)) {
            return null;
        }
        return name(tokens, start, end);
    }

    private static boolean isJavaDeclaration(List<Token> tokens, int paren, Token prev) {
        int close = closing(tokens, paren);
        if (close + 1 < tokens.size() && (tokens.get(close + 1).is("{") || tokens.get(close + 1).is("throws"))) {
            return true;
        }
        if (prev == null) {
            return false;
        }
        if (prev.kind() == Kind.IDENTIFIER || prev.kind() == Kind.KEYWORD && JAVA_TYPE_KEYWORDS.contains(prev.text())
                || prev.is("]")) {
            return true;
        }
        if (prev.is(">")) {
            int open = openingAngle(tokens, paren - 2);
            if (open < 0) {
                return false;
            }
            Token before = open > 0 ? tokens.get(open - 1) : null;
            return before == null || before.kind() == Kind.IDENTIFIER
                    || before.kind() == Kind.KEYWORD && JAVA_DECLARATION_MODIFIERS.contains(before.text());
        }
        return false;
    }

    /** The '<' matching the '>' at {@code close}, walking back over what generics hold; -1 if it is a comparison. */
    private static int openingAngle(List<Token> tokens, int close) {
        int depth = 0;
        for (int k = close; k >= 0; k--) {
            Token t = tokens.get(k);
            if (t.is(">")) {
                depth++;
            } else if (t.is("<")) {
                if (--depth == 0) {
                    return k;
                }
            } else if (!(t.kind() == Kind.IDENTIFIER || t.is(".") || t.is(",") || t.is("?") || t.is("[") || t.is("]")
                    || t.is("&") || t.is("extends") || t.is("super") || t.kind() == Kind.KEYWORD && JAVA_TYPE_KEYWORDS.contains(t.text()))) {
                return -1;
            }
        }
        return -1;
    }

    private static int closing(List<Token> tokens, int open) {
        int depth = 0;
        for (int k = open; k < tokens.size(); k++) {
            if (tokens.get(k).is("(")) {
                depth++;
            } else if (tokens.get(k).is(")") && --depth == 0) {
                return k;
            }
        }
        return tokens.size() - 1;
    }
}
