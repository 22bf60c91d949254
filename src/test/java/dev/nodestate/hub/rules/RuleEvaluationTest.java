package dev.nodestate.hub.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.diff.DiffBundle.Kind;
import dev.nodestate.hub.store.NodeState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleEvaluationTest {

    @TempDir
    Path temp;

    private RuleSet rules(String yaml) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("rules"));
        Files.writeString(dir.resolve("test.yaml"), yaml);
        RuleSet set = RuleSet.load(dir, Set.of("extract_signatures", "compute_complexity")::contains);
        assertFalse(set.hasErrors(), set.problems()::toString);
        return set;
    }

    /** The outcome of a rule with the single condition {@code when} on the change. */
    private Condition.Check check(String when, Changes change, NodeState node) throws IOException {
        RuleSet set = rules("""
                rules:
                  - name: r
                    when:
                      %s
                    propose:
                      - tool: extract_signatures
                """.formatted(when));
        Evaluation.RuleResult result = set.evaluate(change.bundle(), node).rules().getFirst();
        assertEquals(1, result.checks().size());
        Condition.Check check = result.checks().getFirst();
        assertEquals(check.passed(), result.fired());
        assertEquals(check.passed() ? 1 : 0, result.candidates().size());
        return check;
    }

    private Condition.Check check(String when, Changes change) throws IOException {
        return check(when, change, change.node(3));
    }

    @Test
    void kindNodeTypeAndLanguageMatchOneOfTheirNames() throws Exception {
        Changes c = Changes.changed();
        Condition.Check kind = check("kind: [changed, moved]", c);
        assertTrue(kind.passed());
        assertEquals("kind: needs one of changed, moved, was changed", kind.describe());
        c.kind = Kind.ADDED;
        assertFalse(check("kind: [changed, moved]", c).passed());
        assertEquals("kind: needs one of changed, moved, was added", check("kind: [changed, moved]", c).describe());

        Condition.Check type = check("node_type: class", c);
        assertFalse(type.passed());
        assertEquals("node_type: needs class, was function", type.describe());
        assertTrue(check("node_type: [function]", c).passed());

        assertEquals("language: needs java, was python", check("language: [java]", c).describe());
        assertTrue(check("language: [python, java]", c).passed());
    }

    @Test
    void pathGlobsMatchTheNameAtAnyDepthOrTheWholeRelativePath() throws Exception {
        Changes c = Changes.changed();
        Condition.Check byName = check("paths: [\"*.py\"]", c);
        assertTrue(byName.passed());
        assertEquals("paths: needs *.py, was src/pkg/mod.py", byName.describe());
        assertFalse(check("paths: [\"src/*.py\"]", c).passed(), "one * stays within a directory");
        assertTrue(check("paths: [\"lib/**\", \"src/**\"]", c).passed());
        assertEquals("paths: needs one of lib/**, *.java, was src/pkg/mod.py", check("paths: [\"lib/**\", \"*.java\"]", c).describe());

        Condition.Check excluded = check("exclude_paths: [\"src/pkg/**\"]", c);
        assertFalse(excluded.passed());
        assertEquals("exclude_paths: needs none of src/pkg/**, was src/pkg/mod.py", excluded.describe());
        assertTrue(check("exclude_paths: [\"tests/**\", \"test_*.py\"]", c).passed());
    }

    @Test
    void structuralNeedsEveryFlagAndAnyStructuralOne() throws Exception {
        Changes c = Changes.changed();
        c.signatureChanged = true;
        Condition.Check sig = check("structural: [signature_changed]", c);
        assertTrue(sig.passed());
        assertEquals("structural: needs signature_changed, was signature_changed, parameters_changed", sig.describe());
        Condition.Check both = check("structural: [signature_changed, docstring_changed]", c);
        assertFalse(both.passed());
        assertEquals("structural: needs all of signature_changed, docstring_changed, was signature_changed, parameters_changed",
                both.describe());

        Changes plain = Changes.changed();
        assertEquals("any_structural: needs any of docstring_outdated, decorators_changed, was none",
                check("any_structural: [docstring_outdated, decorators_changed]", plain).describe());
        plain.decoratorsAdded = List.of("@cache");
        assertTrue(check("any_structural: [docstring_outdated, decorators_changed]", plain).passed());
        plain.docstringOutdated = true;
        assertEquals("structural: needs docstring_outdated, was decorators_changed, docstring_outdated",
                check("structural: docstring_outdated", plain).describe());
    }

    @Test
    void complexityDeltaComparesTheSignedOrAbsoluteChange() throws Exception {
        Changes c = Changes.changed();
        c.complexityDelta = 1;
        Condition.Check small = check("complexity_delta: {abs_gte: 2}", c);
        assertFalse(small.passed());
        assertEquals("complexity_delta: needs |Δ| ≥ 2, was +1", small.describe());
        c.complexityDelta = -3;
        assertTrue(check("complexity_delta: {abs_gte: 2}", c).passed());
        assertEquals("complexity_delta: needs > 0, was -3", check("complexity_delta: {gt: 0}", c).describe());
        c.withAst = false;
        assertEquals("complexity_delta: needs |Δ| ≥ 2, was unknown (the change has no AST view)",
                check("complexity_delta: {abs_gte: 2}", c).describe());
    }

    @Test
    void semanticDriftAndLinesChangedCompareAgainstEveryBound() throws Exception {
        Changes c = Changes.changed();
        c.drift = 0.12;
        Condition.Check low = check("semantic_drift: {gte: 0.3}", c);
        assertFalse(low.passed());
        assertEquals("semantic_drift: needs ≥ 0.3, was 0.12", low.describe());
        c.drift = 0.45;
        assertTrue(check("semantic_drift: {gte: 0.3}", c).passed());
        c.drift = null;
        assertEquals("semantic_drift: needs ≥ 0.3, was unknown (the change has no embedding view)",
                check("semantic_drift: {gte: 0.3}", c).describe());

        c.linesAdded = 2;
        c.linesRemoved = 1;
        Condition.Check lines = check("lines_changed: {gte: 5, lt: 100}", c);
        assertFalse(lines.passed());
        assertEquals("lines_changed: needs ≥ 5 and < 100, was 3 (+2 -1)", lines.describe());
        c.linesAdded = 40;
        assertTrue(check("lines_changed: {gte: 5, lt: 100}", c).passed());
    }

    @Test
    void nodeComplexityReadsTheNodesStateAndIsUnknownWithoutOne() throws Exception {
        Changes c = Changes.changed();
        assertEquals("node_complexity: needs ≥ 10, was 12", check("node_complexity: {gte: 10}", c, c.node(12)).describe());
        assertTrue(check("node_complexity: {gte: 10}", c, c.node(12)).passed());
        assertFalse(check("node_complexity: {gte: 10}", c, c.node(4)).passed());
        Condition.Check none = check("node_complexity: {gte: 10}", c, null);
        assertFalse(none.passed());
        assertEquals("node_complexity: needs ≥ 10, was unknown (no complexity in the node's state)", none.describe());
    }

    @Test
    void callsChangedSeesCallsAddedOrRemoved() throws Exception {
        Changes c = Changes.changed();
        Condition.Check none = check("calls_changed: true", c);
        assertFalse(none.passed());
        assertEquals("calls_changed: needs calls added or removed, was none", none.describe());
        assertTrue(check("calls_changed: false", c).passed());
        c.callsAdded = List.of("log");
        c.callsRemoved = List.of("print");
        Condition.Check some = check("calls_changed: true", c);
        assertTrue(some.passed());
        assertEquals("calls_changed: needs calls added or removed, was +log -print", some.describe());
    }

    @Test
    void candidatesComeHighestPriorityFirstWithExpandedReasonsArgsAndTheirSource() throws Exception {
        RuleSet set = rules("""
                rules:
                  - name: low
                    propose:
                      - tool: compute_complexity
                        priority: 20
                        reason: "complexity {complexity_delta} in {file}"
                        args: {file_paths: ["{file}"]}
                  - name: high
                    when:
                      structural: [signature_changed]
                    propose:
                      - tool: extract_signatures
                        priority: 90
                        reason: "signature changed: {old_signature} -> {new_signature} {{literal}}"
                      - tool: compute_complexity
                        priority: 60
                        args: {file_paths: ["{file}"]}
                      - tool: find_callers
                        optional: true
                """);
        Changes c = Changes.changed();
        c.signatureChanged = true;
        c.complexityDelta = 2;
        Evaluation e = set.evaluate(c.bundle(), c.node(5));
        assertEquals(List.of("extract_signatures", "compute_complexity"), e.candidates().stream().map(Candidate::tool).toList());
        Candidate first = e.candidates().getFirst();
        assertEquals("src/pkg/mod.py::Calc.add", first.nodeId());
        assertEquals("high", first.rule());
        assertEquals("rules/test.yaml:12", first.source());
        assertEquals("signature changed: def add(self, x) -> def add(self, x, y) {literal}", first.reason());
        Candidate merged = e.candidates().get(1);
        assertEquals(60, merged.priority(), "the same tool and args run once, at the highest priority");
        assertEquals(Map.of("file_paths", List.of("src/pkg/mod.py")), merged.args());
        assertEquals("rule high fired", merged.reason());

        Evaluation.RuleResult low = e.rules().get(0);
        assertTrue(low.fired());
        assertEquals("complexity +2 in src/pkg/mod.py", low.candidates().getFirst().reason());
        assertEquals(List.of("compute_complexity is also proposed by rule 'high' (priority 60); it runs once"), low.notes());
        Evaluation.RuleResult high = e.rules().get(1);
        assertEquals(List.of("skipped find_callers: the tool is not installed (optional proposal)"), high.notes());
        assertEquals(e, set.evaluate(c.bundle(), c.node(5)), "evaluation is deterministic");
        List<String> lines = e.explain();
        assertEquals("fired    low  (rules/test.yaml:2)", lines.getFirst());
        assertTrue(lines.contains("    ok   structural: needs signature_changed, was signature_changed, parameters_changed"), lines::toString);
        assertTrue(lines.contains("    note: skipped find_callers: the tool is not installed (optional proposal)"), lines::toString);
    }

    @Test
    void aRemovedNodeWithoutStateAndADisabledRuleAreExplained() throws Exception {
        RuleSet set = rules("""
                rules:
                  - name: gone
                    when:
                      kind: removed
                    propose:
                      - tool: extract_signatures
                        reason: "{node_id} was removed; complexity was {node_complexity}"
                  - name: switched-off
                    enabled: false
                    propose:
                      - tool: compute_complexity
                """);
        Changes c = Changes.changed();
        c.kind = Kind.REMOVED;
        Evaluation e = set.evaluate(c.bundle(), null);
        assertEquals(List.of("gone"), e.fired().stream().map(Evaluation.RuleResult::rule).toList());
        assertEquals("src/pkg/mod.py::Calc.add was removed; complexity was none", e.candidates().getFirst().reason());
        Evaluation.RuleResult off = e.rules().get(1);
        assertFalse(off.fired());
        assertEquals(List.of("disabled (enabled: false)"), off.notes());
    }

    @Test
    void theDefaultRulesMapASignatureChangeAndAComplexityJumpToTheSeedsTools() throws Exception {
        Set<String> installed = Set.of("extract_signatures", "extract_java", "compute_complexity", "find_callers",
                "find_callees", "find_tests", "search_similar");
        RuleSet set = RuleSet.load(Path.of("rules"), installed::contains);
        Changes c = Changes.changed();
        c.signatureChanged = true;
        c.complexityDelta = 2;
        Evaluation e = set.evaluate(c.bundle(), c.node(5));
        assertEquals(List.of("extract_signatures", "find_callers", "compute_complexity"),
                e.candidates().stream().map(Candidate::tool).toList());
        // missing-test fires for any changed function; its optional tools are not installed here, so it proposes nothing
        assertEquals(List.of("python-signature-changed", "complexity-changed", "missing-test"),
                e.fired().stream().map(Evaluation.RuleResult::rule).toList());
        assertEquals("complexity changed by +2 (3 -> 5)", e.candidates().get(2).reason());

        c.language = "java";
        c.file = "src/Calc.java";
        assertEquals("extract_java", set.evaluate(c.bundle(), null).candidates().getFirst().tool());

        Changes added = Changes.changed();
        added.kind = Kind.ADDED;
        Evaluation fresh = set.evaluate(added.bundle(), added.node(1));
        assertEquals(List.of("find_callees", "find_tests"), fresh.candidates().stream().map(Candidate::tool).toList(),
                "a new function: its file's references re-resolved (priority 80), then its tests looked for (30)");
    }
}
