package dev.nodestate.hub.impact;

import dev.nodestate.hub.store.NodeState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the callers call a node: each occurrence of {@code name(} in a caller's lines (its stored span in the file on
 * disk), outside comments, declarations and strings of that line, with the call's arguments read up to the matching
 * bracket. A call inside a nested caller (a method in a module that is a caller too) belongs to the innermost one.
 */
final class CallSites {

    /** One call: the calling node, {@code file:line}, the line's text, the receiver before {@code .name} (or null). */
    record CallSite(String caller, String file, int line, String text, String receiver, Arguments arguments) {
    }

    private final Path root;
    private final Map<String, String> texts = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    CallSites(Path root) {
        this.root = root;
    }

    /** Files that could not be read, with why. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    List<CallSite> find(String name, List<NodeState> callers) {
        Pattern call = Pattern.compile("(?<![\\w$])" + Pattern.quote(name) + "\\s*\\(");
        Map<String, CallSite> byPlace = new LinkedHashMap<>();
        Map<String, Integer> spanOf = new HashMap<>();
        for (NodeState caller : callers) {
            String text = text(caller.filePath());
            if (text == null) {
                continue;
            }
            int[] lineStarts = lineStarts(text);
            int first = caller.startLine() == null ? 1 : Math.max(1, caller.startLine());
            int last = caller.endLine() == null ? lineStarts.length : Math.min(lineStarts.length, caller.endLine());
            int from = lineStarts[first - 1];
            int to = last >= lineStarts.length ? text.length() : lineStarts[last];
            Matcher m = call.matcher(text).region(from, to);
            boolean python = caller.filePath().endsWith(".py");
            while (m.find()) {
                int line = lineOf(lineStarts, m.start());
                String lineText = text.substring(lineStarts[line - 1], endOfLine(text, lineStarts[line - 1]));
                String before = text.substring(lineStarts[line - 1], m.start());
                int open = m.end() - 1;
                int close = Arguments.closing(text, open);
                if (close < 0 || commentedOrQuoted(before, python) || declaration(before, text, close, python)) {
                    continue;
                }
                String key = caller.filePath() + ":" + m.start();
                int span = last - first;
                Integer known = spanOf.get(key);
                if (known != null && known <= span) {
                    continue;
                }
                spanOf.put(key, span);
                byPlace.put(key, new CallSite(caller.id().toString(), caller.filePath(), line, lineText.strip(), receiver(before),
                        Arguments.parse(text.substring(open + 1, close))));
            }
        }
        List<CallSite> out = new ArrayList<>(byPlace.values());
        out.sort(Comparator.comparing(CallSite::file).thenComparingInt(CallSite::line));
        return out;
    }

    /** The dotted name just before {@code .name}: {@code self.algorithm} in {@code self.algorithm.get_signature(}. */
    private static String receiver(String before) {
        if (!before.endsWith(".")) {
            return null;
        }
        int j = before.length() - 1;
        while (j > 0 && (Character.isJavaIdentifierPart(before.charAt(j - 1)) || before.charAt(j - 1) == '.')) {
            j--;
        }
        String r = before.substring(j, before.length() - 1);
        return r.isEmpty() ? "(expression)" : r;
    }

    /** After a comment marker, or inside a string opened earlier on the line. */
    private static boolean commentedOrQuoted(String before, boolean python) {
        String trimmed = before.stripLeading();
        if (trimmed.startsWith("*") || trimmed.startsWith("/*")) {
            return true;
        }
        boolean inString = false;
        char quote = 0;
        for (int i = 0; i < before.length(); i++) {
            char c = before.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    inString = false;
                }
            } else if (c == '"' || c == '\'') {
                inString = true;
                quote = c;
            } else if (python ? c == '#' : before.startsWith("//", i)) {
                return true;
            }
        }
        return inString;
    }

    /** {@code def name(}, or a Java method declaration: the brackets are followed by a body or a throws clause. */
    private static boolean declaration(String before, String text, int close, boolean python) {
        if (python) {
            return before.stripTrailing().endsWith("def");
        }
        String after = text.substring(close + 1, Math.min(text.length(), close + 200)).stripLeading();
        String head = before.strip();
        return (after.startsWith("{") || after.startsWith("throws")) && head.matches(".*[\\w>\\]]")
                && !head.matches(".*\\b(new|return|else)");
    }

    private String text(String file) {
        if (texts.containsKey(file)) {
            return texts.get(file);
        }
        String t = null;
        try {
            t = Files.readString(root.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(file + ": cannot read it (" + e.getMessage() + "); its call sites are not shown");
        }
        texts.put(file, t);
        return t;
    }

    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n' && i + 1 < text.length()) {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int lineOf(int[] starts, int offset) {
        int i = java.util.Arrays.binarySearch(starts, offset);
        return (i >= 0 ? i : -i - 2) + 1;
    }

    private static int endOfLine(String text, int from) {
        int nl = text.indexOf('\n', from);
        return nl < 0 ? text.length() : nl;
    }
}
