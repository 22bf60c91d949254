package dev.nodestate.hub.rules;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.store.NodeState;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One condition of a rule's {@code when}: a test on the change (and the node's state) that also
 * says what it needed and what it saw, so {@code hub rules explain} can show why a rule fired.
 */
public sealed interface Condition {

    /** The YAML key of the condition ({@code kind}, {@code complexity_delta}...). */
    String key();

    /** What the condition needs, e.g. "|Δ| ≥ 2". */
    String expected();

    Check check(DiffBundle change, NodeState node);

    /** The outcome of one condition on one change. */
    record Check(String condition, String expected, String actual, boolean passed) {
        /** {@code complexity_delta: needs |Δ| ≥ 2, was +1}. */
        public String describe() {
            return condition + ": needs " + expected + ", was " + actual;
        }
    }

    /** Fields compared against a set of names. */
    enum Choice {
        KIND("kind", List.of("added", "removed", "changed", "moved", "renamed")),
        NODE_TYPE("node_type", List.of("function", "class", "module")),
        LANGUAGE("language", List.of("python", "java"));

        final String key;
        final List<String> values;

        Choice(String key, List<String> values) {
            this.key = key;
            this.values = values;
        }

        String actual(DiffBundle change, NodeState node) {
            return switch (this) {
                case KIND -> change.kind() == null ? null : change.kind().name().toLowerCase(Locale.ROOT);
                case NODE_TYPE -> change.nodeType() != null ? change.nodeType().name().toLowerCase(Locale.ROOT)
                        : node != null ? node.nodeType().name().toLowerCase(Locale.ROOT) : null;
                case LANGUAGE -> change.language() != null ? change.language() : node != null ? node.language() : null;
            };
        }
    }

    /** {@code kind}, {@code node_type}, {@code language}: the value must be one of {@code allowed}. */
    record OneOf(Choice field, List<String> allowed) implements Condition {
        @Override
        public String key() {
            return field.key;
        }

        @Override
        public String expected() {
            return allowed.size() == 1 ? allowed.getFirst() : "one of " + String.join(", ", allowed);
        }

        @Override
        public Check check(DiffBundle change, NodeState node) {
            String actual = field.actual(change, node);
            return new Check(key(), expected(), actual == null ? "unknown" : actual, actual != null && allowed.contains(actual));
        }
    }

    /**
     * {@code paths} (the file must match one glob) or {@code exclude_paths} (it must match none).
     * A glob without '/' matches the file name at any depth; one with '/' the repo-relative path.
     */
    record Paths(List<String> globs, List<PathMatcher> matchers, boolean exclude) implements Condition {
        @Override
        public String key() {
            return exclude ? "exclude_paths" : "paths";
        }

        @Override
        public String expected() {
            return (exclude ? "none of " : globs.size() == 1 ? "" : "one of ") + String.join(", ", globs);
        }

        @Override
        public Check check(DiffBundle change, NodeState node) {
            String file = change.file() != null ? change.file() : node != null ? node.filePath() : null;
            if (file == null) {
                return new Check(key(), expected(), "unknown", false);
            }
            boolean any = matches(file);
            return new Check(key(), expected(), file, exclude != any);
        }

        boolean matches(String file) {
            Path path = Path.of(file);
            for (int i = 0; i < globs.size(); i++) {
                Path target = globs.get(i).contains("/") ? path : path.getFileName();
                if (target != null && matchers.get(i).matches(target)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Structural flags of the change, by their YAML names. */
    List<String> FLAGS = List.of("signature_changed", "parameters_changed", "return_type_changed", "decorators_changed",
            "docstring_changed", "visibility_changed", "export_changed", "docstring_outdated");

    /** The flags that hold for a change, in {@link #FLAGS} order. */
    static List<String> flagsOf(DiffBundle change) {
        List<String> set = new ArrayList<>();
        DiffBundle.Structural s = change.structural();
        if (s != null) {
            add(set, s.signatureChanged(), "signature_changed");
            add(set, s.parametersChanged(), "parameters_changed");
            add(set, s.returnTypeChanged(), "return_type_changed");
            add(set, !empty(s.decoratorsAdded()) || !empty(s.decoratorsRemoved()), "decorators_changed");
            add(set, s.docstringChanged(), "docstring_changed");
            add(set, s.visibilityChanged(), "visibility_changed");
            add(set, s.exportChanged(), "export_changed");
        }
        add(set, change.docstringOutdated(), "docstring_outdated");
        return set;
    }

    private static void add(List<String> set, boolean holds, String flag) {
        if (holds) {
            set.add(flag);
        }
    }

    private static boolean empty(List<?> list) {
        return list == null || list.isEmpty();
    }

    /** {@code structural} (every flag must hold) or {@code any_structural} (at least one). */
    record Flags(List<String> flags, boolean any) implements Condition {
        @Override
        public String key() {
            return any ? "any_structural" : "structural";
        }

        @Override
        public String expected() {
            return flags.size() == 1 ? flags.getFirst() : (any ? "any of " : "all of ") + String.join(", ", flags);
        }

        @Override
        public Check check(DiffBundle change, NodeState node) {
            List<String> set = flagsOf(change);
            boolean passed = any ? flags.stream().anyMatch(set::contains) : set.containsAll(flags);
            return new Check(key(), expected(), set.isEmpty() ? "none" : String.join(", ", set), passed);
        }
    }

    /** Numbers a threshold can test. */
    enum Metric {
        COMPLEXITY_DELTA("complexity_delta", "Δ", true, true),
        SEMANTIC_DRIFT("semantic_drift", "drift", false, false),
        LINES_CHANGED("lines_changed", "lines", true, false),
        NODE_COMPLEXITY("node_complexity", "complexity", true, false);

        final String key;
        final String symbol;
        final boolean integral;
        final boolean signed;

        Metric(String key, String symbol, boolean integral, boolean signed) {
            this.key = key;
            this.symbol = symbol;
            this.integral = integral;
            this.signed = signed;
        }

        /** The value for this change, or null when the change does not carry it. */
        Double value(DiffBundle change, NodeState node) {
            return switch (this) {
                case COMPLEXITY_DELTA -> change.ast() == null ? null : (double) change.ast().complexityDelta();
                case SEMANTIC_DRIFT -> change.embedding() == null ? null : change.embedding().drift();
                case LINES_CHANGED -> change.standard() == null ? null
                        : (double) (change.standard().linesAdded() + change.standard().linesRemoved());
                case NODE_COMPLEXITY -> node == null || node.complexity() == null ? null : (double) node.complexity();
            };
        }

        String unknown() {
            return switch (this) {
                case COMPLEXITY_DELTA -> "unknown (the change has no AST view)";
                case SEMANTIC_DRIFT -> "unknown (the change has no embedding view)";
                case LINES_CHANGED -> "unknown (the change has no line view)";
                case NODE_COMPLEXITY -> "unknown (no complexity in the node's state)";
            };
        }

        String show(double v, DiffBundle change) {
            String text = number(v);
            if (signed && v > 0) {
                text = "+" + text;
            }
            if (this == LINES_CHANGED) {
                text += " (+" + change.standard().linesAdded() + " -" + change.standard().linesRemoved() + ")";
            }
            return text;
        }
    }

    /** Comparison operators of a threshold, by YAML key. */
    enum Op {
        GTE("gte", "≥", false), GT("gt", ">", false), LTE("lte", "≤", false), LT("lt", "<", false),
        ABS_GTE("abs_gte", "≥", true), ABS_GT("abs_gt", ">", true);

        final String key;
        final String sign;
        final boolean abs;

        Op(String key, String sign, boolean abs) {
            this.key = key;
            this.sign = sign;
            this.abs = abs;
        }

        boolean test(double actual, double bound) {
            double v = abs ? Math.abs(actual) : actual;
            return switch (this) {
                case GTE, ABS_GTE -> v >= bound;
                case GT, ABS_GT -> v > bound;
                case LTE -> v <= bound;
                case LT -> v < bound;
            };
        }
    }

    /** One bound of a threshold: {@code abs_gte: 2}. */
    record Bound(Op op, double value) {
    }

    /** {@code complexity_delta}, {@code semantic_drift}, {@code lines_changed}, {@code node_complexity}: every bound must hold. */
    record Threshold(Metric metric, List<Bound> bounds) implements Condition {
        @Override
        public String key() {
            return metric.key;
        }

        @Override
        public String expected() {
            return bounds.stream().map(b -> (b.op().abs ? "|" + metric.symbol + "| " : "") + b.op().sign + " " + number(b.value()))
                    .collect(Collectors.joining(" and "));
        }

        @Override
        public Check check(DiffBundle change, NodeState node) {
            Double v = metric.value(change, node);
            if (v == null) {
                return new Check(key(), expected(), metric.unknown(), false);
            }
            boolean passed = bounds.stream().allMatch(b -> b.op().test(v, b.value()));
            return new Check(key(), expected(), metric.show(v, change), passed);
        }
    }

    /** {@code calls_changed: true} (some call added or removed) or {@code false} (none). */
    record CallsChanged(boolean wanted) implements Condition {
        @Override
        public String key() {
            return "calls_changed";
        }

        @Override
        public String expected() {
            return wanted ? "calls added or removed" : "no call added or removed";
        }

        @Override
        public Check check(DiffBundle change, NodeState node) {
            List<String> added = change.ast() == null || change.ast().callsAdded() == null ? List.of() : change.ast().callsAdded();
            List<String> removed = change.ast() == null || change.ast().callsRemoved() == null ? List.of() : change.ast().callsRemoved();
            boolean changed = !added.isEmpty() || !removed.isEmpty();
            String actual = !changed ? "none"
                    : (added.stream().map(c -> "+" + c).collect(Collectors.joining(" ")) + " "
                            + removed.stream().map(c -> "-" + c).collect(Collectors.joining(" "))).strip();
            return new Check(key(), expected(), actual, changed == wanted);
        }
    }

    /** A number without a trailing ".0", at most 4 decimals: 2, 0.3, 0.1235. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
