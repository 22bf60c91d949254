package dev.nodestate.hub.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.HubException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleLoaderTest {

    static final Set<String> TOOLS = Set.of("extract_signatures", "extract_java", "compute_complexity");

    @TempDir
    Path temp;

    private RuleSet load(String... nameAndText) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("rules"));
        for (int i = 0; i < nameAndText.length; i += 2) {
            Files.writeString(dir.resolve(nameAndText[i]), nameAndText[i + 1]);
        }
        return RuleSet.load(dir, TOOLS::contains);
    }

    private static Problem only(RuleSet set) {
        assertEquals(1, set.problems().size(), () -> "problems: " + set.problems());
        return set.problems().getFirst();
    }

    private static final String GOOD_RULE = """
            rules:
              - name: sig
                when:
                  kind: [changed]
                propose:
                  - tool: extract_signatures
            """;

    @Test
    void aValidFileLoadsWithDefaultsAndNoProblems() throws Exception {
        RuleSet set = load("a.yaml", GOOD_RULE);
        assertEquals(List.of(), set.problems());
        assertEquals(List.of("rules/a.yaml"), set.files());
        Rule rule = set.rules().getFirst();
        assertEquals("rules/a.yaml:2", rule.source());
        assertTrue(rule.enabled());
        Rule.Proposal p = rule.propose().getFirst();
        assertEquals(50, p.priority());
        assertEquals(6, p.line());
        assertTrue(p.available());
        assertFalse(p.optional());
    }

    @Test
    void aYamlSyntaxErrorNamesTheFileAndLineAndLoadsNothingFromIt() throws Exception {
        RuleSet set = load("bad.yaml", """
                rules:
                  - name: sig
                    when: {kind: [changed}
                    propose:
                      - tool: extract_signatures
                """, "good.yaml", GOOD_RULE.replace("name: sig", "name: other"));
        Problem p = only(set);
        assertTrue(p.isError());
        assertEquals("rules/bad.yaml", p.file());
        assertEquals(3, p.line());
        assertEquals("invalid YAML: while parsing a flow sequence; expected ',' or ']', but got }", p.message());
        assertEquals(List.of("other"), set.rules().stream().map(Rule::name).toList());
        assertTrue(set.hasErrors());
    }

    @Test
    void anUnknownKeySuggestsTheNearestValidKey() throws Exception {
        Problem p = only(load("x.yaml", """
                rules:
                  - name: sig
                    when:
                      complexty_delta: {abs_gte: 2}
                    propose:
                      - tool: compute_complexity
                """));
        assertEquals(4, p.line());
        assertEquals("rules[0].when.complexty_delta", p.path());
        assertEquals("unknown key 'complexty_delta'", p.message());
        assertTrue(p.hint().startsWith("did you mean 'complexity_delta'?"), p.hint());
    }

    @Test
    void anUnknownKeyOfAProposalOrTheFileIsReportedAtItsOwnLevel() throws Exception {
        RuleSet set = load("x.yaml", """
                rulez: []
                rules:
                  - name: sig
                    propose:
                      - tool: extract_signatures
                        prioirty: 3
                """);
        assertEquals(List.of("rulez", "rules[0].propose[0].prioirty"), set.problems().stream().map(Problem::path).toList());
        assertEquals(List.of(1, 6), set.problems().stream().map(Problem::line).toList());
        assertTrue(set.problems().get(1).hint().startsWith("did you mean 'priority'?"));
    }

    @Test
    void anUnknownKindReadsAsTheCheckCommandPrintsIt() throws Exception {
        Problem p = only(load("x.yaml", """
                rules:
                  - name: sig
                    when:
                      kind: [changed, chnaged]
                    propose:
                      - tool: extract_signatures
                """));
        assertEquals("rules/x.yaml:4: error: rules[0].when.kind: unknown kind 'chnaged' "
                + "(use one of added, removed, changed, moved, renamed)", p.describe());
    }

    @Test
    void aValueOfTheWrongTypeNamesTheFieldAndWhatWasExpected() throws Exception {
        RuleSet set = load("x.yaml", """
                rules:
                  - name: sig
                    when:
                      complexity_delta: {abs_gte: two}
                      calls_changed: yes please
                    propose:
                      - tool: extract_signatures
                        priority: high
                """);
        assertEquals(List.of("rules[0].when.complexity_delta.abs_gte", "rules[0].when.calls_changed",
                "rules[0].propose[0].priority"), set.problems().stream().map(Problem::path).toList());
        assertEquals(List.of(4, 5, 8), set.problems().stream().map(Problem::line).toList());
        assertEquals("expected a number, found the text 'two'", set.problems().get(0).message());
        assertEquals("expected true or false, found the text 'yes please'", set.problems().get(1).message());
        assertTrue(set.rules().isEmpty(), "a rule with errors is left out");
    }

    @Test
    void badThresholdsAreErrorsWithTheRangeToUse() throws Exception {
        RuleSet set = load("x.yaml", """
                rules:
                  - name: a
                    when:
                      semantic_drift: {gte: 1.5}
                      lines_changed: {abs_gte: 3}
                      node_complexity: {gte: 10, lt: 5}
                      complexity_delta: 2
                    propose:
                      - tool: compute_complexity
                """);
        List<Problem> ps = set.problems();
        assertEquals(List.of("rules[0].when.semantic_drift.gte", "rules[0].when.lines_changed.abs_gte",
                "rules[0].when.node_complexity", "rules[0].when.complexity_delta"), ps.stream().map(Problem::path).toList());
        assertEquals(List.of(4, 5, 6, 7), ps.stream().map(Problem::line).toList());
        assertEquals("semantic drift is between 0 and 1; 1.5 is outside", ps.get(0).message());
        assertTrue(ps.get(1).message().contains("never negative"), ps.get(1).message());
        assertTrue(ps.get(2).message().contains("can never fire"), ps.get(2).message());
        assertTrue(ps.get(3).hint().contains("complexity_delta: {abs_gte: 2}"), ps.get(3).hint());
    }

    @Test
    void badGlobsAndUnknownFlagsAreErrorsAtTheirItem() throws Exception {
        RuleSet set = load("x.yaml", """
                rules:
                  - name: a
                    when:
                      paths:
                        - "src/**"
                        - "src/[a"
                        - "/abs/*.py"
                      structural: [signature_chnaged]
                    propose:
                      - tool: extract_signatures
                """);
        List<Problem> ps = set.problems();
        assertEquals(List.of("rules[0].when.paths[1]", "rules[0].when.paths[2]", "rules[0].when.structural"),
                ps.stream().map(Problem::path).toList());
        assertEquals(List.of(6, 7, 8), ps.stream().map(Problem::line).toList());
        assertTrue(ps.get(0).message().startsWith("bad glob 'src/[a'"), ps.get(0).message());
        assertTrue(ps.get(2).hint().startsWith("did you mean 'signature_changed'?"), ps.get(2).hint());
    }

    @Test
    void anUnknownToolIsAnErrorAndAnOptionalMissingToolAWarning() throws Exception {
        RuleSet set = load("x.yaml", """
                rules:
                  - name: a
                    propose:
                      - tool: find_callers
                  - name: b
                    propose:
                      - tool: find_tests
                        optional: true
                      - tool: extract_signatures
                """);
        List<Problem> ps = set.problems();
        assertEquals(2, ps.size(), ps::toString);
        Problem error = ps.get(0);
        assertTrue(error.isError());
        assertEquals(4, error.line());
        assertEquals("rules[0].propose[0].tool", error.path());
        assertEquals("unknown tool 'find_callers'", error.message());
        assertTrue(error.hint().contains("optional: true"), error.hint());
        Problem warning = ps.get(1);
        assertFalse(warning.isError());
        assertEquals(7, warning.line());
        assertEquals("rules[1].propose[0].tool", warning.path());
        assertEquals(List.of("b"), set.rules().stream().map(Rule::name).toList());
        assertFalse(set.rule("b").orElseThrow().propose().getFirst().available());
    }

    @Test
    void aRuleNameUsedInTwoFilesIsAnErrorPointingAtTheFirst() throws Exception {
        RuleSet set = load("a.yaml", GOOD_RULE, "b.yaml", "\n" + GOOD_RULE);
        Problem p = only(set);
        assertEquals("rules/b.yaml", p.file());
        assertEquals(3, p.line());
        assertEquals("rules[0].name", p.path());
        assertEquals("duplicate rule name 'sig' (first defined at rules/a.yaml:2)", p.message());
        assertEquals(1, set.rules().size());
    }

    @Test
    void missingNameAndProposalsAndUnknownPlaceholdersAreErrors() throws Exception {
        RuleSet set = load("x.yaml", """
                rules:
                  - description: nameless
                    propose:
                      - tool: extract_signatures
                        reason: "now {new_signatur}"
                  - name: empty
                """);
        List<String> messages = set.problems().stream().map(Problem::message).toList();
        assertEquals(List.of("the rule has no name", "unknown placeholder {new_signatur}", "the rule proposes nothing"), messages);
        assertEquals(5, set.problems().get(1).line());
        assertEquals("rules[0].propose[0].reason", set.problems().get(1).path());
        assertTrue(set.problems().get(1).hint().startsWith("did you mean {new_signature}?"));
    }

    @Test
    void anEmptyFileAndAYmlFileAreWarnings() throws Exception {
        RuleSet set = load("a.yaml", "# nothing yet\n", "b.yml", GOOD_RULE);
        assertEquals(2, set.warnings().size(), set.problems()::toString);
        assertFalse(set.hasErrors());
        assertTrue(set.warnings().get(1).hint().contains("b.yaml"));
    }

    @Test
    void aMissingDirectoryIsNotFound() {
        HubException e = assertThrows(HubException.class, () -> RuleSet.load(temp.resolve("nope"), TOOLS::contains));
        assertEquals(HubException.ExitCode.NOT_FOUND, e.exitCode());
    }

    @Test
    void theShippedDefaultRulesLoadWithTheRealToolsWithoutErrorsOrWarnings() throws Exception {
        Set<String> real;
        try (Stream<Path> files = Files.list(Path.of("tools"))) {
            real = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pym"))
                    .map(n -> n.replace(".pym", "")).collect(java.util.stream.Collectors.toSet());
        }
        assertTrue(real.containsAll(TOOLS), real::toString);
        RuleSet set = RuleSet.load(Path.of("rules"), real::contains);
        assertFalse(set.hasErrors(), set.problems()::toString);
        assertEquals(List.of("python-signature-changed", "java-signature-changed", "public-api-changed", "complexity-changed",
                "semantic-drift", "new-function", "missing-test", "definitions-changed", "body-calls-changed"), set.rules().stream().map(Rule::name).toList());
        assertEquals(List.of(), set.warnings(), "every proposed tool is written");
        assertTrue(set.rules().stream().flatMap(r -> r.propose().stream()).allMatch(Rule.Proposal::available));
    }
}
