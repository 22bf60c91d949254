package dev.nodestate.hub.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The patterns of one {@code .gitignore} file, matched against paths relative to its directory:
 * {@code #} comments, {@code !} negation, trailing {@code /} for directories only, a leading or
 * inner {@code /} anchoring to the directory, {@code *}, {@code ?}, {@code [...]} and {@code **}.
 */
record GitIgnore(List<Rule> rules) {

    record Rule(Pattern pattern, boolean negated, boolean directoryOnly) {
    }

    static final GitIgnore EMPTY = new GitIgnore(List.of());

    static GitIgnore load(Path file) {
        if (!Files.isRegularFile(file)) {
            return EMPTY;
        }
        try {
            return parse(Files.readAllLines(file));
        } catch (IOException | RuntimeException e) {
            System.err.println("hub: ignoring unreadable " + file + ": " + e.getMessage());
            return EMPTY;
        }
    }

    static GitIgnore parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.stripTrailing();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean negated = line.startsWith("!");
            if (negated) {
                line = line.substring(1);
            }
            boolean dirOnly = line.endsWith("/");
            if (dirOnly) {
                line = line.substring(0, line.length() - 1);
            }
            boolean anchored = line.startsWith("/") || line.contains("/");
            if (line.startsWith("/")) {
                line = line.substring(1);
            }
            String regex = (anchored ? "" : "(?:.*/)?") + glob(line);
            rules.add(new Rule(Pattern.compile(regex), negated, dirOnly));
        }
        return new GitIgnore(List.copyOf(rules));
    }

    /** null when no rule speaks about the path, else whether it is ignored. */
    Boolean ignored(String relative, boolean directory) {
        Boolean verdict = null;
        for (Rule r : rules) {
            if (r.directoryOnly() && !directory) {
                continue;
            }
            if (r.pattern().matcher(relative).matches()) {
                verdict = !r.negated();
            }
        }
        return verdict;
    }

    private static String glob(String g) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*' && i + 1 < g.length() && g.charAt(i + 1) == '*') {
                boolean slash = i + 2 < g.length() && g.charAt(i + 2) == '/';
                b.append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            } else if (c == '*') {
                b.append("[^/]*");
            } else if (c == '?') {
                b.append("[^/]");
            } else if (c == '[') {
                int end = g.indexOf(']', i);
                if (end < 0) {
                    b.append("\\[");
                } else {
                    b.append('[').append(g, i + 1, end).append(']');
                    i = end;
                }
            } else if (c == '\\' && i + 1 < g.length()) {
                b.append(Pattern.quote(String.valueOf(g.charAt(++i))));
            } else {
                b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return b.toString();
    }
}
