package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.triage.StandInModelEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hub watch} with a triage agent whose endpoint is a STAND-IN model server (protocol only, no model): what the
 * model calls is what runs; with the endpoint gone the deterministic triage decides, without waiting for it.
 */
class WatchTriageProcessTest {

    private static final String TOOL = """
            \"\"\"Test update tool: writes its own name into %s.\"\"\"
            from grail import Input

            node_id: str = Input("node_id")
            {"%s": ["%s"]}
            """;

    private static final String RULE = """
            rules:
              - name: two-notes
                when:
                  kind: [changed]
                  node_type: [function]
                propose:
                  - tool: note_callers
                    priority: 80
                    reason: "callers note for {node_id}"
                  - tool: note_tests
                    priority: 60
                    reason: "tests note for {node_id}"
            """;

    @TempDir
    Path repo;

    @TempDir
    Path tools;

    @TempDir
    Path rules;

    @TempDir
    Path triage;

    private final ObjectMapper json = new ObjectMapper();

    private List<JsonNode> updates() throws Exception {
        Path file = repo.resolve(".agentfs/traces/updates.jsonl");
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file)) {
                JsonNode t = json.readTree(l);
                if (t.path("candidates").size() > 0 && !t.path("outcome").asText().equals("superseded")) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    private static void eventually(String what, BooleanSupplier test, HubProcess hub) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (!test.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + " did not happen within 60 s; hub stderr:\n" + hub.stderr());
            }
            Thread.sleep(50);
        }
    }

    private static List<String> ran(JsonNode entry) {
        List<String> out = new ArrayList<>();
        entry.path("tools_run").forEach(r -> out.add(r.path("tool").asText()));
        return out;
    }

    private NodeState node(String id) {
        try (NodeStore store = NodeStore.openReadOnly(repo)) {
            return store.get(id).orElseThrow();
        }
    }

    @Test
    void theModelsChoiceIsWhatRunsAndWithTheEndpointDownTheFallbackDecidesWithoutWaiting() throws Exception {
        try (java.util.stream.Stream<Path> shipped = Files.list(Path.of("tools"))) {
            for (Path p : shipped.filter(p -> p.toString().endsWith(".pym")).toList()) {
                Files.copy(p, tools.resolve(p.getFileName()));
            }
        }
        Files.writeString(tools.resolve("note_callers.pym"), TOOL.formatted("callers", "callers", "note_callers"));
        Files.writeString(tools.resolve("note_tests.pym"), TOOL.formatted("related_tests", "related_tests", "note_tests"));
        Files.writeString(rules.resolve("notes.yaml"), RULE);
        Files.writeString(repo.resolve("a.py"), "def f(x):\n    return x\n");
        try (StandInModelEndpoint endpoint = new StandInModelEndpoint(body -> StandInModelEndpoint.Answer.ok(
                StandInModelEndpoint.toolCalls("run_note_tests", "the tests of f may need the new body")))) {
            Files.writeString(triage.resolve("agent.yaml"), """
                    engine: http
                    model: stand-in
                    adapter: test-lora
                    endpoint:
                      base_url: %s
                    timeout_ms: 3000
                    breaker:
                      failures: 2
                      open_seconds: 600
                    """.formatted(endpoint.baseUrl()));
            try (HubProcess hub = HubProcess.start("watch", "--json", "--quiet-ms", "100", "--tools", tools.toString(),
                    "--rules", rules.toString(), "--triage", triage.toString(), repo.toString())) {
                hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(120));
                assertTrue(hub.stderr().contains("triage: model:stand-in+test-lora at " + endpoint.baseUrl()), hub.stderr());

                Files.writeString(repo.resolve("a.py"), "def f(x):\n    return x + 1\n");
                eventually("the model's decision ran", () -> {
                    try {
                        return updates().size() >= 1 && !updates().getFirst().path("tools_run").isEmpty();
                    } catch (Exception e) {
                        return false;
                    }
                }, hub);
                JsonNode first = updates().getFirst();
                assertEquals("model:stand-in+test-lora", first.path("decision").path("triage").asText(), first.toString());
                assertEquals(List.of("note_tests"), ran(first), "only what the model called ran");
                assertEquals("model: the tests of f may need the new body",
                        first.path("decision").path("approved").path(0).path("reason").asText());
                assertEquals("model did not call it", first.path("decision").path("rejected").path(0).path("reason").asText());
                assertEquals(List.of("note_tests"), node("a.py::f").relatedTests());
                assertEquals(1, endpoint.requests().size());
                JsonNode request = json.readTree(endpoint.requests().getFirst());
                assertEquals("test-lora", request.path("model").asText());
                assertTrue(request.path("messages").path(1).path("content").asText().contains("Node: a.py::f"), request.toString());

                endpoint.close(); // the model server goes away
                Files.writeString(repo.resolve("a.py"), "def f(x):\n    return x + 2\n");
                eventually("the fallback decided the second edit", () -> {
                    try {
                        return updates().size() >= 2 && !updates().get(1).path("tools_run").isEmpty();
                    } catch (Exception e) {
                        return false;
                    }
                }, hub);
                JsonNode second = updates().get(1);
                assertTrue(second.path("decision").path("triage").asText().startsWith("fallback:"), second.path("decision").toString());
                assertEquals(List.of("note_callers", "note_tests"), ran(second), "the deterministic triage approves both");
                assertTrue(second.path("decision").path("latency_ms").asLong() < 3000,
                        "no wait for the dead endpoint: " + second.path("decision"));
                try (dev.nodestate.hub.serve.HubClient client = new dev.nodestate.hub.serve.HubClient(
                        dev.nodestate.hub.serve.HubClient.forRepo(repo).socket(), Duration.ofMillis(500))) {
                    assertTrue(client.healthy(), "the hub keeps answering");
                }
            }
        }
    }
}
