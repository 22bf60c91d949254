package dev.nodestate.hub.cli;

import static dev.nodestate.hub.cli.CliHarness.hub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.cli.CliHarness.Result;
import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesCommandTest {

    private static final String TOOLS = Path.of("tools").toAbsolutePath().toString();

    @Test
    void checkPassesOnTheShippedRulesWithEveryProposedToolInstalled() {
        Result r = hub("rules", "--tools", TOOLS, "--rules", "rules", "check");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, r.out().lines().filter(l -> l.contains(": warning: ")).count(), r.out());
        assertTrue(r.err().contains("9 rule(s): 0 error(s), 0 warning(s)"), r.err());
    }

    @Test
    void checkOnARepositoryWithABadRulesFileExitsSevenAndNamesFileLineAndField(@TempDir Path repo) throws Exception {
        Files.createDirectories(repo.resolve("rules"));
        Files.writeString(repo.resolve("rules/x.yaml"), """
                rules:
                  - name: typo
                    when:
                      kind: [chnaged]
                    propose:
                      - tool: extract_signatures
                """);
        Result r = hub("rules", "--tools", TOOLS, "check", repo.toString());
        assertEquals(7, r.code(), r.err());
        assertEquals("rules/x.yaml:4: error: rules[0].when.kind: unknown kind 'chnaged' "
                + "(use one of added, removed, changed, moved, renamed)", r.out().strip());
        assertTrue(r.err().contains("1 error(s), 0 warning(s)"), r.err());

        Result json = hub("rules", "--tools", TOOLS, "check", "--json", repo.toString());
        assertEquals(7, json.code());
        JsonNode doc = json.json();
        assertEquals(1, doc.get("errors").asInt());
        assertEquals(0, doc.get("rules").asInt());
        JsonNode p = doc.get("problems").get(0);
        assertEquals("rules/x.yaml", p.get("file").asText());
        assertEquals(4, p.get("line").asInt());
        assertEquals("error", p.get("severity").asText());
        assertEquals("rules[0].when.kind", p.get("path").asText());
    }

    @Test
    void listShowsEachRulesConditionsAndProposals() throws Exception {
        Result text = hub("rules", "--tools", TOOLS, "--rules", "rules", "list");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("    when    complexity_delta: |Δ| ≥ 2"), text.out());
        assertTrue(text.out().contains("    propose find_callers (priority 70"), text.out());
        JsonNode json = hub("rules", "--tools", TOOLS, "--rules", "rules", "list", "--json").json();
        assertEquals("python-signature-changed", json.get(0).get("name").asText());
        assertEquals("extract_signatures", json.get(0).get("propose").get(0).get("tool").asText());
        assertEquals(90, json.get(0).get("propose").get(0).get("priority").asInt());
    }

    private static void store(Path repo, DiffBundle change) throws Exception {
        try (NodeStore store = NodeStore.open(repo)) {
            NodeState add = NodeState.create(NodeId.of("calc.py", "Calculator.add"), "add", NodeState.Type.FUNCTION, "s", "f",
                    Instant.parse("2026-01-01T00:00:00Z"), NodeState.Source.FILE_CHANGE);
            store.set(add.with(Map.of("language", "python", "complexity", 4)));
            store.set(NodeState.create(NodeId.of("calc.py", "Calculator.sub"), "sub", NodeState.Type.FUNCTION, "s2", "f",
                    Instant.parse("2026-01-01T00:00:00Z"), NodeState.Source.COLD_START));
            if (change != null) {
                store.putLastChanges(Map.of(change.nodeId(), Json.MAPPER.writeValueAsString(change)));
            }
        }
    }

    @Test
    void explainShowsWhyEachRuleFiredOrNotOnTheNodesLastChange(@TempDir Path repo) throws Exception {
        var structural = new DiffBundle.Structural(true, "def add(self, x)", "def add(self, x, y)", true, List.of("y"), List.of(),
                false, null, null, List.of(), List.of(), false, false, null, null, false);
        var ast = new DiffBundle.Ast(3, 4, 1, 1, 0, 0, List.of(), List.of());
        store(repo, new DiffBundle("calc.py::Calculator.add", DiffBundle.Kind.CHANGED, null, "calc.py", "python",
                NodeState.Type.FUNCTION, new DiffBundle.Standard(2, 1, "@@"), structural, ast,
                new DiffBundle.Embedding(0.1, "tfidf"), true));

        Result r = hub("rules", "--tools", TOOLS, "explain", "Calculator.add", repo.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("calc.py::Calculator.add: changed python function in calc.py"), r.out());
        assertTrue(r.out().contains("fired    python-signature-changed"), r.out());
        assertTrue(r.out().contains("fired    public-api-changed"), r.out());
        assertTrue(r.out().contains("    ok   structural: needs signature_changed, was signature_changed, parameters_changed, "
                + "docstring_outdated"), r.out());
        assertTrue(r.out().contains("    FAIL complexity_delta: needs |Δ| ≥ 2, was +1"), r.out());
        assertTrue(r.out().contains(" 70 find_callers"), r.out());
        assertTrue(r.out().contains(" 90 extract_signatures   signature changed: def add(self, x) -> def add(self, x, y)"), r.out());

        JsonNode json = hub("rules", "--tools", TOOLS, "explain", "--json", "add", repo.toString()).json();
        assertEquals("calc.py::Calculator.add", json.get("node_id").asText());
        assertEquals("changed", json.get("change").get("kind").asText());
        List<String> tools = new java.util.ArrayList<>();
        json.get("candidates").forEach(c -> tools.add(c.get("tool").asText()));
        assertEquals(List.of("extract_signatures", "find_callers", "list_exports", "find_tests", "search_similar",
                "generate_test_skeleton", "run_single_test"), tools, "public-api-changed asks for the impact page's views");
        JsonNode candidate = json.get("candidates").get(0);
        assertEquals("extract_signatures", candidate.get("tool").asText());
        assertEquals("calc.py", candidate.get("args").get("file_paths").get(0).asText());
        assertTrue(candidate.get("source").asText().startsWith("rules/default.yaml:"));
        JsonNode complexity = json.get("rules").get(3);
        assertEquals("complexity-changed", complexity.get("rule").asText());
        assertEquals(false, complexity.get("fired").asBoolean());
        assertEquals("+1", complexity.get("checks").get(1).get("actual").asText());
    }

    @Test
    void explainThroughAHubWarnsWhenTheRulesOnDiskLoadButExplainTheChangeOtherwise(@TempDir Path dir) throws Exception {
        var structural = new DiffBundle.Structural(true, "def add(self, x)", "def add(self, x, y)", true, List.of("y"), List.of(),
                false, null, null, List.of(), List.of(), false, false, null, null, false);
        DiffBundle change = new DiffBundle("calc.py::Calculator.add", DiffBundle.Kind.CHANGED, null, "calc.py", "python",
                NodeState.Type.FUNCTION, new DiffBundle.Standard(2, 1, "@@"), structural,
                new DiffBundle.Ast(3, 4, 1, 1, 0, 0, List.of(), List.of()), new DiffBundle.Embedding(0.1, "tfidf"), true);
        NodeState add = NodeState.create(NodeId.of("calc.py", "Calculator.add"), "add", NodeState.Type.FUNCTION, "s", "f",
                Instant.parse("2026-01-01T00:00:00Z"), NodeState.Source.FILE_CHANGE).with(Map.of("language", "python"));
        java.util.function.Predicate<String> tools = HubSession.toolNames(Path.of(TOOLS))::contains;
        dev.nodestate.hub.rules.RuleSet shipped = dev.nodestate.hub.rules.RuleSet.load(Path.of("rules"), tools);
        JsonNode hubRules = Json.MAPPER.valueToTree(shipped.evaluate(change, add).rules());
        String hub = "the running hub (pid 1) explained with its last good rules";

        assertEquals(List.of(), RulesCommand.Explain.diskWarnings(hub, Path.of("rules"), shipped, hubRules, change, add),
                "the same rules on disk: nothing to say");

        // the disk without the rule that fired: valid, but it explains the change otherwise
        String yaml = Files.readString(Path.of("rules/default.yaml"));
        int from = yaml.indexOf("  - name: python-signature-changed");
        int to = yaml.indexOf("  - name: ", from + 1);
        Path edited = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(edited.resolve("default.yaml"), yaml.substring(0, from) + yaml.substring(to));
        dev.nodestate.hub.rules.RuleSet disk = dev.nodestate.hub.rules.RuleSet.load(edited, tools);
        assertTrue(!disk.hasErrors(), disk.errors().toString());
        assertEquals(List.of(hub + "; the rules on disk in " + edited + " differ (the hub has not reloaded them yet)"),
                RulesCommand.Explain.diskWarnings(hub, edited, disk, hubRules, change, add));
    }

    @Test
    void explainWithoutARecordedChangeSaysRulesFireOnWatchedChangesAndExitsThree(@TempDir Path repo) throws Exception {
        store(repo, null);
        Result r = hub("rules", "--tools", TOOLS, "explain", "sub", repo.toString());
        assertEquals(3, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("no change recorded for calc.py::Calculator.sub: rules fire on changes seen by `hub watch`"),
                r.err());
        Result unknown = hub("rules", "explain", "nothing_like_it", repo.toString());
        assertEquals(3, unknown.code());
        assertTrue(unknown.err().contains("no node matches 'nothing_like_it'"), unknown.err());
    }
}
