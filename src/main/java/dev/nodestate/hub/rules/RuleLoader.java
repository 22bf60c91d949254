package dev.nodestate.hub.rules;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.rules.Condition.Bound;
import dev.nodestate.hub.rules.Condition.Choice;
import dev.nodestate.hub.rules.Condition.Metric;
import dev.nodestate.hub.rules.Condition.Op;
import dev.nodestate.hub.rules.Problem.Severity;
import dev.nodestate.hub.rules.Yaml.Entry;
import dev.nodestate.hub.rules.Yaml.ListNode;
import dev.nodestate.hub.rules.Yaml.MapNode;
import dev.nodestate.hub.rules.Yaml.Node;
import dev.nodestate.hub.rules.Yaml.Scalar;
import dev.nodestate.hub.rules.Yaml.Where;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads and validates every {@code *.yaml} of a rules directory, in file-name order. Each problem
 * names its file, line, field path, what is wrong and what to do; a rule with an error is left out
 * of the result, and the result as a whole counts as invalid ({@link RuleSet#hasErrors()}).
 */
final class RuleLoader {

    static final List<String> TOP_KEYS = List.of("rules");
    static final List<String> RULE_KEYS = List.of("name", "description", "enabled", "when", "propose");
    static final List<String> WHEN_KEYS = List.of("kind", "node_type", "language", "paths", "exclude_paths", "structural",
            "any_structural", "complexity_delta", "semantic_drift", "lines_changed", "node_complexity", "calls_changed");
    static final List<String> PROPOSAL_KEYS = List.of("tool", "priority", "reason", "args", "optional", "required");
    static final int DEFAULT_PRIORITY = 50;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final Path directory;
    private final Predicate<String> toolExists;
    private final List<Problem> problems = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, Rule> byName = new HashMap<>();
    private final List<String> files = new ArrayList<>();
    private String file;

    private RuleLoader(Path directory, Predicate<String> toolExists) {
        this.directory = directory.toAbsolutePath().normalize();
        this.toolExists = toolExists;
    }

    static RuleSet load(Path directory, Predicate<String> toolExists) {
        return new RuleLoader(directory, toolExists).run();
    }

    private RuleSet run() {
        if (!Files.isDirectory(directory)) {
            throw new HubException(HubException.ExitCode.NOT_FOUND, "rules directory " + directory
                    + " does not exist; create it or pass --rules DIR");
        }
        List<Path> paths;
        try (Stream<Path> s = Files.list(directory)) {
            paths = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new HubException(HubException.ExitCode.FAILURE, "cannot list " + directory + ": " + e.getMessage(), e);
        }
        for (Path p : paths) {
            String name = p.getFileName().toString();
            file = shown(name);
            if (name.endsWith(".yaml")) {
                files.add(file);
                loadFile(p);
            } else if (name.endsWith(".yml")) {
                warn(new Where(1, 1), "", "ignored: only *.yaml files are read", "rename it to "
                        + name.replaceFirst("\\.yml$", ".yaml"));
            }
        }
        if (files.isEmpty()) {
            file = shown("");
            warn(new Where(1, 1), "", "no *.yaml files: no rule will fire", "add rules, e.g. a copy of the hub's rules/default.yaml");
        }
        return new RuleSet(directory, files, rules, problems);
    }

    private String shown(String name) {
        Path dirName = directory.getFileName();
        return (dirName == null ? "" : dirName + "/") + name;
    }

    private void loadFile(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            error(new Where(1, 1), "", "not UTF-8 text", "save the file as UTF-8");
            return;
        } catch (IOException e) {
            error(new Where(1, 1), "", "cannot read: " + e.getMessage(), "check the file's permissions");
            return;
        }
        Node root;
        try {
            root = Yaml.parse(text);
        } catch (Yaml.SyntaxError e) {
            error(e.where, "", "invalid YAML: " + e.getMessage(), "fix the syntax; no rule of this file is loaded");
            return;
        }
        if (root == null) {
            warn(new Where(1, 1), "", "the file is empty", "add a 'rules:' list or delete the file");
            return;
        }
        if (!(root instanceof MapNode top)) {
            error(root.where(), "", "expected a mapping with a 'rules:' list, found " + root.describe(),
                    "start the file with 'rules:'");
            return;
        }
        keys(top, "", TOP_KEYS);
        Entry list = top.entries().get("rules");
        if (list == null) {
            error(top.where(), "", "no 'rules:' list", "start the file with 'rules:' followed by '- name: ...' entries");
            return;
        }
        if (list.value() instanceof Scalar s && s.value() == null) {
            warn(list.keyWhere(), "rules", "the list is empty", "add rules or delete the file");
            return;
        }
        if (!(list.value() instanceof ListNode items)) {
            wrongType(list.value(), "rules", "a list of rules", "write each rule as '- name: ...'");
            return;
        }
        for (int i = 0; i < items.items().size(); i++) {
            rule(items.items().get(i), "rules[" + i + "]");
        }
    }

    private void rule(Node node, String path) {
        if (!(node instanceof MapNode map)) {
            wrongType(node, path, "a rule (a mapping with name, when and propose)", "write '- name: ...' with 'propose:' below it");
            return;
        }
        int before = errorCount();
        keys(map, path, RULE_KEYS);
        String name = text(map, "name", path);
        if (name == null) {
            if (!map.entries().containsKey("name")) {
                error(map.where(), path, "the rule has no name", "add 'name: some-name' (unique across the rules directory)");
            }
        } else if (!NAME.matcher(name).matches()) {
            error(map.entries().get("name").value().where(), path + ".name", "bad rule name '" + name + "'",
                    "use letters, digits, '-', '_' and '.', starting with a letter or digit");
            name = null;
        } else if (byName.containsKey(name)) {
            Rule first = byName.get(name);
            error(map.entries().get("name").value().where(), path + ".name", "duplicate rule name '" + name
                    + "' (first defined at " + first.source() + ")", "rename one of them");
        }
        String description = text(map, "description", path);
        Boolean enabled = bool(map, "enabled", path);
        List<Condition> when = new ArrayList<>();
        Entry w = map.entries().get("when");
        if (w != null) {
            if (w.value() instanceof MapNode conditions) {
                keys(conditions, path + ".when", WHEN_KEYS);
                for (Entry c : conditions.entries().values()) {
                    if (WHEN_KEYS.contains(c.key())) {
                        Condition parsed = condition(c, path + ".when." + c.key());
                        if (parsed != null) {
                            when.add(parsed);
                        }
                    }
                }
            } else if (!(w.value() instanceof Scalar s && s.value() == null)) {
                wrongType(w.value(), path + ".when", "a mapping of conditions", "e.g. 'when: {kind: [changed]}'; leave it out to match every change");
            }
        }
        List<Rule.Proposal> proposals = new ArrayList<>();
        Entry p = map.entries().get("propose");
        if (p == null) {
            error(map.where(), path, "the rule proposes nothing", "add 'propose:' with at least one '- tool: NAME'");
        } else if (!(p.value() instanceof ListNode list) || list.items().isEmpty()) {
            wrongType(p.value(), path + ".propose", "a non-empty list of proposals", "write '- tool: NAME' entries under 'propose:'");
        } else {
            for (int i = 0; i < list.items().size(); i++) {
                Rule.Proposal proposal = proposal(list.items().get(i), path + ".propose[" + i + "]");
                if (proposal != null) {
                    proposals.add(proposal);
                }
            }
        }
        if (errorCount() == before && name != null) {
            Rule rule = new Rule(name, description, file, map.where().line(), enabled == null || enabled, when, proposals);
            rules.add(rule);
            byName.put(name, rule);
        } else if (name != null && !byName.containsKey(name)) {
            // a broken rule still claims its name, so a later duplicate is reported against it
            byName.put(name, new Rule(name, description, file, map.where().line(), false, List.of(), List.of()));
        }
    }

    private Condition condition(Entry entry, String path) {
        Node value = entry.value();
        return switch (entry.key()) {
            case "kind" -> oneOf(Choice.KIND, value, path);
            case "node_type" -> oneOf(Choice.NODE_TYPE, value, path);
            case "language" -> oneOf(Choice.LANGUAGE, value, path);
            case "paths" -> paths(value, path, false);
            case "exclude_paths" -> paths(value, path, true);
            case "structural" -> flags(value, path, false);
            case "any_structural" -> flags(value, path, true);
            case "complexity_delta" -> threshold(Metric.COMPLEXITY_DELTA, value, path);
            case "semantic_drift" -> threshold(Metric.SEMANTIC_DRIFT, value, path);
            case "lines_changed" -> threshold(Metric.LINES_CHANGED, value, path);
            case "node_complexity" -> threshold(Metric.NODE_COMPLEXITY, value, path);
            case "calls_changed" -> {
                if (value instanceof Scalar s && s.value() instanceof Boolean b) {
                    yield new Condition.CallsChanged(b);
                }
                wrongType(value, path, "true or false", "write 'calls_changed: true'");
                yield null;
            }
            default -> throw new IllegalStateException(entry.key());
        };
    }

    private Condition oneOf(Choice field, Node value, String path) {
        List<String> names = known(value, path, field.key, field.values, false);
        return names == null ? null : new Condition.OneOf(field, names);
    }

    private Condition paths(Node value, String path, boolean exclude) {
        List<String> globs = names(value, path, "globs, e.g. [\"src/**\", \"*.py\"]");
        if (globs == null) {
            return null;
        }
        List<PathMatcher> matchers = new ArrayList<>();
        for (int i = 0; i < globs.size(); i++) {
            String g = globs.get(i);
            Where at = item(value, i).where();
            String itemPath = value instanceof ListNode ? path + "[" + i + "]" : path;
            if (g.startsWith("/") || g.startsWith("./") || g.contains("\\")) {
                error(at, itemPath, "glob '" + g + "' is not a repo-relative path with '/'",
                        "write it relative to the repository root, with '/' separators and no leading '/' or './'");
                continue;
            }
            try {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
            } catch (IllegalArgumentException e) {
                error(at, itemPath, "bad glob '" + g + "': " + e.getMessage().lines().findFirst().orElse(""),
                        "use * (within a directory), ** (across directories), ?, [abc] and {a,b}");
            }
        }
        return matchers.size() == globs.size() ? new Condition.Paths(List.copyOf(globs), List.copyOf(matchers), exclude) : null;
    }

    private Condition flags(Node value, String path, boolean any) {
        List<String> names = known(value, path, "structural flag", Condition.FLAGS, true);
        return names == null ? null : new Condition.Flags(names, any);
    }

    /**
     * A name or list of names that must all be in {@code valid}; null (after reporting) otherwise.
     * {@code suggest}: name the nearest valid one (worth it for long lists).
     */
    private List<String> known(Node value, String path, String what, List<String> valid, boolean suggest) {
        List<String> names = names(value, path, what + " names, e.g. [" + valid.getFirst() + "]");
        if (names == null) {
            return null;
        }
        boolean ok = true;
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (!valid.contains(n)) {
                ok = false;
                String near = suggest ? nearest(n, valid) : null;
                error(item(value, i).where(), path, "unknown " + what + " '" + n + "'",
                        (near == null ? "" : "did you mean '" + near + "'? ") + "use one of " + String.join(", ", valid));
            }
        }
        return ok ? List.copyOf(names) : null;
    }

    private Condition threshold(Metric metric, Node value, String path) {
        List<String> ops = Arrays.stream(Op.values()).filter(o -> metric.signed || !o.abs).map(o -> o.key).toList();
        String example = metric == Metric.COMPLEXITY_DELTA ? "{abs_gte: 2}" : metric == Metric.SEMANTIC_DRIFT ? "{gte: 0.3}" : "{gte: 5}";
        if (!(value instanceof MapNode map) || map.entries().isEmpty()) {
            wrongType(value, path, "a threshold with one or more of " + String.join(", ", ops), "e.g. '" + metric.key + ": " + example + "'");
            return null;
        }
        int before = errorCount();
        List<Bound> bounds = new ArrayList<>();
        for (Entry e : map.entries().values()) {
            String at = path + "." + e.key();
            if (!ops.contains(e.key())) {
                String near = nearest(e.key(), ops);
                boolean absOnUnsigned = e.key().startsWith("abs_") && !metric.signed;
                error(e.keyWhere(), at, absOnUnsigned ? metric.key + " is never negative, so '" + e.key() + "' is not offered" : "unknown threshold '" + e.key() + "'",
                        (near == null ? "" : "did you mean '" + near + "'? ") + "use " + String.join(", ", ops));
                continue;
            }
            if (!(e.value() instanceof Scalar s && s.value() instanceof Number n)) {
                wrongType(e.value(), at, "a number", "e.g. '" + metric.key + ": " + example + "'");
                continue;
            }
            double v = n.doubleValue();
            if (metric.integral && v != Math.rint(v)) {
                error(s.where(), at, metric.key + " is a whole number; " + Condition.number(v) + " is not", "use a whole number");
                continue;
            }
            Op op = Arrays.stream(Op.values()).filter(o -> o.key.equals(e.key())).findFirst().orElseThrow();
            if (metric == Metric.SEMANTIC_DRIFT && (v < 0 || v > 1)) {
                error(s.where(), at, "semantic drift is between 0 and 1; " + Condition.number(v) + " is outside", "use a value in [0, 1]");
                continue;
            }
            if ((op.abs || !metric.signed) && v < 0) {
                error(s.where(), at, (op.abs ? "an absolute value" : metric.key) + " is never negative; " + Condition.number(v)
                        + " would always hold", "use a value of 0 or more");
                continue;
            }
            bounds.add(new Bound(op, v));
        }
        if (errorCount() != before) {
            return null;
        }
        double low = bounds.stream().filter(b -> !b.op().abs && (b.op() == Op.GTE || b.op() == Op.GT))
                .mapToDouble(Bound::value).max().orElse(Double.NEGATIVE_INFINITY);
        double high = bounds.stream().filter(b -> b.op() == Op.LTE || b.op() == Op.LT)
                .mapToDouble(Bound::value).min().orElse(Double.POSITIVE_INFINITY);
        boolean strict = bounds.stream().anyMatch(b -> b.op() == Op.GT || b.op() == Op.LT);
        if (low > high || (low == high && strict)) {
            error(map.where(), path, "the bounds exclude each other (" + new Condition.Threshold(metric, bounds).expected()
                    + "), so the rule can never fire", "fix the numbers");
            return null;
        }
        return new Condition.Threshold(metric, List.copyOf(bounds));
    }

    private Rule.Proposal proposal(Node node, String path) {
        if (!(node instanceof MapNode map)) {
            wrongType(node, path, "a proposal (a mapping with tool, priority, reason)", "write '- tool: NAME'");
            return null;
        }
        int before = errorCount();
        keys(map, path, PROPOSAL_KEYS);
        String tool = text(map, "tool", path);
        if (tool == null && !map.entries().containsKey("tool")) {
            error(map.where(), path, "the proposal names no tool", "add 'tool: NAME' (a .pym file in tools/, without .pym)");
        }
        Boolean optional = bool(map, "optional", path);
        Boolean required = bool(map, "required", path);
        boolean available = tool != null && toolExists.test(tool);
        if (tool != null && !available) {
            Where at = map.entries().get("tool").value().where();
            if (Boolean.TRUE.equals(optional)) {
                warn(at, path + ".tool", "tool '" + tool + "' is not installed; this optional proposal is skipped until it is",
                        "add tools/" + tool + ".pym");
            } else {
                error(at, path + ".tool", "unknown tool '" + tool + "'",
                        "add tools/" + tool + ".pym, fix the name, or mark the proposal 'optional: true'");
            }
        }
        int priority = DEFAULT_PRIORITY;
        Entry pe = map.entries().get("priority");
        if (pe != null) {
            if (pe.value() instanceof Scalar s && s.value() instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                if (n.doubleValue() < 0 || n.doubleValue() > 100) {
                    error(s.where(), path + ".priority", "priority " + n + " is out of range", "use a whole number from 0 to 100 (higher runs first)");
                } else {
                    priority = n.intValue();
                }
            } else {
                wrongType(pe.value(), path + ".priority", "a whole number from 0 to 100", "e.g. 'priority: 90'");
            }
        }
        String reason = text(map, "reason", path);
        if (reason != null) {
            placeholders(reason, map.entries().get("reason").value().where(), path + ".reason");
        }
        Map<String, Object> args = Map.of();
        Entry ae = map.entries().get("args");
        if (ae != null) {
            if (ae.value() instanceof MapNode argMap) {
                args = new LinkedHashMap<>();
                for (Entry a : argMap.entries().values()) {
                    Object v = plain(a.value(), path + ".args." + a.key());
                    if (v == null) {
                        error(a.keyWhere(), path + ".args." + a.key(), "the argument has no value", "give it a value or remove it");
                    } else {
                        args.put(a.key(), v);
                    }
                }
            } else if (!(ae.value() instanceof Scalar s && s.value() == null)) {
                wrongType(ae.value(), path + ".args", "a mapping of tool inputs", "e.g. 'args: {max_nodes: 10}'");
            }
        }
        if (errorCount() != before || tool == null) {
            return null;
        }
        return new Rule.Proposal(tool, priority, reason, args, Boolean.TRUE.equals(optional), available, map.where().line(),
                Boolean.TRUE.equals(required));
    }

    /** A YAML value as plain Java (maps, lists, scalars); string templates are checked on the way. */
    private Object plain(Node node, String path) {
        return switch (node) {
            case MapNode m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.entries().values().forEach(e -> out.put(e.key(), plain(e.value(), path + "." + e.key())));
                yield out;
            }
            case ListNode l -> {
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < l.items().size(); i++) {
                    out.add(plain(l.items().get(i), path + "[" + i + "]"));
                }
                yield out;
            }
            case Scalar s -> {
                if (s.value() instanceof String text) {
                    placeholders(text, s.where(), path);
                }
                yield s.value();
            }
        };
    }

    private void placeholders(String text, Where at, String path) {
        List<String> known = List.copyOf(Template.FIELDS.keySet());
        for (String bad : Template.unknown(text)) {
            String near = nearest(bad, known);
            error(at, path, "unknown placeholder {" + bad + "}", (near == null ? "" : "did you mean {" + near + "}? ")
                    + "placeholders: " + String.join(", ", known) + "; write {{ and }} for literal braces");
        }
    }

    /** A single name or a list of names, as text; null (after reporting) when it is neither. */
    private List<String> names(Node value, String path, String what) {
        if (value instanceof Scalar s && s.value() instanceof String one) {
            return List.of(one);
        }
        if (value instanceof ListNode list) {
            if (list.items().isEmpty()) {
                error(list.where(), path, "an empty list never matches", "list " + what + ", or remove '"
                        + path.substring(path.lastIndexOf('.') + 1) + "' to allow any");
                return null;
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < list.items().size(); i++) {
                Node item = list.items().get(i);
                if (item instanceof Scalar s && s.value() instanceof String text) {
                    out.add(text);
                } else {
                    wrongType(item, path + "[" + i + "]", "a name", "quote it if YAML reads it as something else");
                }
            }
            return out.size() == list.items().size() ? out : null;
        }
        wrongType(value, path, "a list of " + what, "write it as [a, b]");
        return null;
    }

    private static Node item(Node value, int i) {
        return value instanceof ListNode list ? list.items().get(i) : value;
    }

    private String text(MapNode map, String key, String path) {
        Entry e = map.entries().get(key);
        if (e == null) {
            return null;
        }
        if (e.value() instanceof Scalar s && s.value() instanceof String text && !text.isBlank()) {
            return text;
        }
        wrongType(e.value(), path + "." + key, "non-empty text", "quote the value if YAML reads it as something else");
        return null;
    }

    private Boolean bool(MapNode map, String key, String path) {
        Entry e = map.entries().get(key);
        if (e == null) {
            return null;
        }
        if (e.value() instanceof Scalar s && s.value() instanceof Boolean b) {
            return b;
        }
        wrongType(e.value(), path + "." + key, "true or false", "write '" + key + ": true' or '" + key + ": false'");
        return null;
    }

    /** Reports every key of {@code map} not valid at {@code path}, suggesting the nearest valid one. */
    private void keys(MapNode map, String path, List<String> valid) {
        for (Entry e : map.entries().values()) {
            if (!valid.contains(e.key())) {
                String near = nearest(e.key(), valid);
                error(e.keyWhere(), path.isEmpty() ? e.key() : path + "." + e.key(), "unknown key '" + e.key() + "'",
                        (near == null ? "" : "did you mean '" + near + "'? ") + "valid keys here: " + String.join(", ", valid));
            }
        }
    }

    private void wrongType(Node value, String path, String expected, String hint) {
        error(value.where(), path, "expected " + expected + ", found " + value.describe(), hint);
    }

    private void error(Where at, String path, String message, String hint) {
        problems.add(new Problem(file, at.line(), at.column(), Severity.ERROR, path, message, hint));
    }

    private void warn(Where at, String path, String message, String hint) {
        problems.add(new Problem(file, at.line(), at.column(), Severity.WARNING, path, message, hint));
    }

    private int errorCount() {
        return (int) problems.stream().filter(Problem::isError).count();
    }

    /** The candidate closest to {@code word} by edit distance, if close enough to be a likely typo. */
    static String nearest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, word.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
