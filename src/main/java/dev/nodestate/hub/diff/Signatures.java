package dev.nodestate.hub.diff;

import dev.nodestate.hub.lang.SourceTokens;
import dev.nodestate.hub.store.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the diff reads out of the signature strings the extraction tools write: parameters,
 * return type and visibility.
 *
 * <p>Python signatures are {@code [async ]def name(params)[ -> type]} ({@code extract_signatures.pym});
 * the markers {@code /} and bare {@code *} are not parameters, {@code *args} and {@code **kw} keep
 * their stars in their names. Java signatures are
 * {@code [modifiers] [<type params>] [return type] name(Type a, ...)[ throws ...][ default ...]}
 * ({@code extract_java.pym}); a constructor has no return type. Commas and brackets inside
 * generics, nested brackets, parentheses and Python string defaults do not split parameters.
 * Only function nodes have parameters and return types.
 */
public final class Signatures {

    /** Parameters (their full text and their names, in order) and return type (null: none). */
    record Parts(List<String> parameters, List<String> names, String returnType) {
        static final Parts NONE = new Parts(List.of(), List.of(), null);
    }

    private static final Set<String> JAVA_MODIFIERS = Set.of("public", "protected", "private", "static", "final",
            "abstract", "synchronized", "native", "default", "strictfp", "transient", "volatile", "sealed", "non-sealed");

    private Signatures() {
    }

    /**
     * The text of every top-level parameter of a function signature, in order, the Python markers {@code /} and
     * {@code *} included ({@code def f(a, /, b=1, *, c)} gives {@code [a, /, b=1, *, c]}); empty without brackets.
     */
    public static List<String> parameterTexts(String language, String signature) {
        int open = signature == null ? -1 : signature.indexOf('(');
        if (open < 0) {
            return List.of();
        }
        boolean python = SourceTokens.isPython(language);
        int close = matching(signature, open, python);
        return List.copyOf(splitTopLevel(signature.substring(open + 1, Math.min(close, signature.length())), python));
    }

    static Parts parse(String language, NodeState.Type type, String signature) {
        if (signature == null || type != NodeState.Type.FUNCTION) {
            return Parts.NONE;
        }
        int open = signature.indexOf('(');
        if (open < 0) {
            return Parts.NONE;
        }
        boolean python = SourceTokens.isPython(language);
        int close = matching(signature, open, python);
        List<String> params = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String p : splitTopLevel(signature.substring(open + 1, Math.min(close, signature.length())), python)) {
            String name = python ? pythonName(p) : javaName(p);
            if (name != null) {
                params.add(p);
                names.add(name);
            }
        }
        String returnType;
        if (python) {
            String rest = close < signature.length() ? signature.substring(close + 1).strip() : "";
            returnType = rest.startsWith("->") ? rest.substring(2).strip() : null;
        } else {
            returnType = javaReturnType(signature.substring(0, open));
        }
        return new Parts(List.copyOf(params), List.copyOf(names), returnType);
    }

    /** Index of the bracket closing the one at {@code open}, skipping Python strings; the length if unclosed. */
    private static int matching(String s, int open, boolean python) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (python && (c == '"' || c == '\'')) {
                i = endOfString(s, i);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (--depth == 0) {
                    return i;
                }
            }
        }
        return s.length();
    }

    /** Index of the closing quote of the string (or char literal) opening at {@code i}; triple quotes too. */
    public static int endOfString(String s, int i) {
        char q = s.charAt(i);
        String end = s.startsWith(String.valueOf(q).repeat(3), i) ? String.valueOf(q).repeat(3) : String.valueOf(q);
        int j = i + end.length();
        while (j < s.length() && !s.startsWith(end, j)) {
            j += s.charAt(j) == '\\' ? 2 : 1;
        }
        return Math.min(s.length() - 1, j + end.length() - 1);
    }

    /** A call's arguments (either language): split at commas outside brackets and string or char literals. */
    public static List<String> splitArguments(String s) {
        return splitTopLevel(s, true);
    }

    /** Splits at commas outside brackets (and, in Java, outside generics' angle brackets). */
    private static List<String> splitTopLevel(String s, boolean python) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (python && (c == '"' || c == '\'')) {
                i = endOfString(s, i);
            } else if (c == '(' || c == '[' || c == '{' || !python && c == '<') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}' || !python && c == '>') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i).strip());
                start = i + 1;
            }
        }
        parts.add(s.substring(start).strip());
        parts.removeIf(String::isEmpty);
        return parts;
    }

    /** {@code *args: int} gives {@code *args}; the markers {@code /} and {@code *} give null. */
    private static String pythonName(String param) {
        int i = 0;
        while (i < param.length() && param.charAt(i) == '*') {
            i++;
        }
        int j = i;
        while (j < param.length() && (Character.isLetterOrDigit(param.charAt(j)) || param.charAt(j) == '_')) {
            j++;
        }
        return j == i ? null : param.substring(0, j);
    }

    /** The last identifier: {@code final Map<K, V> b} gives b, {@code int a[]} gives a. */
    private static String javaName(String param) {
        String p = param.replaceAll("(\\s*\\[\\s*])+$", "");
        int j = p.length();
        while (j > 0 && Character.isJavaIdentifierPart(p.charAt(j - 1))) {
            j--;
        }
        return j == p.length() ? null : p.substring(j);
    }

    /** Strips the name, modifiers and type parameters from what precedes '('; null for a constructor. */
    private static String javaReturnType(String prefix) {
        String s = prefix.strip();
        String name = javaName(s);
        s = name == null ? s : s.substring(0, s.length() - name.length()).strip();
        boolean stripped = true;
        while (stripped && !s.isEmpty()) {
            stripped = false;
            int space = s.indexOf(' ');
            String first = space < 0 ? s : s.substring(0, space);
            if (JAVA_MODIFIERS.contains(first)) {
                s = space < 0 ? "" : s.substring(space + 1).strip();
                stripped = true;
            } else if (s.startsWith("<")) {
                int depth = 0;
                int i = 0;
                for (; i < s.length(); i++) {
                    depth += s.charAt(i) == '<' ? 1 : s.charAt(i) == '>' ? -1 : 0;
                    if (depth == 0) {
                        break;
                    }
                }
                s = s.substring(Math.min(s.length(), i + 1)).strip();
                stripped = true;
            }
        }
        return s.isEmpty() ? null : s;
    }

    /**
     * public, protected, private or package (Java; members of interfaces and annotation types
     * without a modifier are public), public or private (Python: a name starting with {@code _}
     * that is not a dunder is private); null for module nodes.
     */
    public static String visibility(String language, NodeState node, NodeState parent) {
        if (node.nodeType() == NodeState.Type.MODULE) {
            return null;
        }
        if (SourceTokens.isPython(language)) {
            String name = simpleName(node.nodeName());
            boolean dunder = name.startsWith("__") && name.endsWith("__") && name.length() > 4;
            return name.startsWith("_") && !dunder ? "private" : "public";
        }
        List<String> words = javaHeadWords(node.signature());
        for (String v : List.of("public", "protected", "private")) {
            if (words.contains(v)) {
                return v;
            }
        }
        List<String> parentWords = parent == null ? List.of() : javaHeadWords(parent.signature());
        return parentWords.contains("interface") || parentWords.contains("@interface") ? "public" : "package";
    }

    /** The whitespace-separated words of a Java signature before its first '(' or '<'. */
    private static List<String> javaHeadWords(String signature) {
        if (signature == null) {
            return List.of();
        }
        int end = signature.length();
        for (char c : new char[] {'(', '<'}) {
            int at = signature.indexOf(c);
            end = at >= 0 ? Math.min(end, at) : end;
        }
        return List.of(signature.substring(0, end).strip().split("\\s+"));
    }

    /**
     * The bare name of a node name: {@code Outer.Inner.run(int,String[])#12:4} gives run,
     * {@code C.f#2} gives f.
     */
    public static String simpleName(String nodeName) {
        String s = nodeName == null ? "" : nodeName;
        int hash = s.indexOf('#');
        s = hash >= 0 ? s.substring(0, hash) : s;
        int paren = s.indexOf('(');
        s = paren >= 0 ? s.substring(0, paren) : s;
        return s.substring(s.lastIndexOf('.') + 1);
    }
}
