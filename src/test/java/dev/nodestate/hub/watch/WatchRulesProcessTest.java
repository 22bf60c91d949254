package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's own tool and rule in a running hub: the rule fires, hot-reloads, and survives a bad edit. */
class WatchRulesProcessTest {

    private static final String NOTE_TOOL = """
            \"\"\"Test update tool: records a note from its rule's arguments as the node's callers.\"\"\"
            from grail import Input

            node_id: str = Input("node_id")
            note: str = Input("note")


            async def main():
                return {"callers": [note]}
            """;

    private static String rule(String note) {
        return """
                rules:
                  - name: note-edits
                    description: every edited function gets a note
                    when:
                      kind: [changed]
                      node_type: [function]
                    propose:
                      - tool: note_tool
                        priority: 80
                        reason: "edited {node_id}"
                        args: {note: "%s {node_id}"}
                """.formatted(note);
    }

    @TempDir
    Path repo;

    @TempDir
    Path tools;

    @TempDir
    Path rules;

    private final ObjectMapper json = new ObjectMapper();

    private NodeState node(String id) {
        try (NodeStore store = NodeStore.openReadOnly(repo)) {
            return store.get(id).orElseThrow();
        }
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

    private long tracesFor(String tool) {
        Path file = repo.resolve(".agentfs/traces/updates.jsonl");
        try {
            if (!Files.exists(file)) {
                return 0;
            }
            return Files.readAllLines(file).stream().map(l -> {
                try {
                    return json.readTree(l);
                } catch (Exception e) {
                    throw new AssertionError(l, e);
                }
            }).filter(t -> t.path("outcome").asText().equals("updated")).flatMap(t -> {
                List<JsonNode> runs = new java.util.ArrayList<>();
                t.path("tools_run").forEach(runs::add);
                return runs.stream();
            }).filter(r -> r.path("tool").asText().equals(tool) && r.path("outcome").asText().equals("applied")).count();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void a_users_rule_runs_its_tool_reloads_on_save_and_keeps_the_last_good_rules_after_a_bad_edit() throws Exception {
        try (Stream<Path> shipped = Files.list(Path.of("tools"))) {
            for (Path p : shipped.filter(p -> p.toString().endsWith(".pym")).toList()) {
                Files.copy(p, tools.resolve(p.getFileName()));
            }
        }
        Files.writeString(tools.resolve("note_tool.pym"), NOTE_TOOL);
        Files.writeString(rules.resolve("team.yaml"), rule("v1"));
        Files.writeString(repo.resolve("a.py"), "def f(x):\n    return x\n", StandardCharsets.UTF_8);
        try (HubProcess hub = HubProcess.start("watch", "--json", "--quiet-ms", "100", "--tools", tools.toString(),
                "--rules", rules.toString(), repo.toString())) {
            hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(120));

            Files.writeString(repo.resolve("a.py"), "def f(x):\n    return x + 1\n");
            eventually("note_tool ran for the edit", () -> tracesFor("note_tool") >= 1, hub);
            assertEquals(List.of("v1 a.py::f"), node("a.py::f").callers());
            assertEquals("note_tool", node("a.py::f").updates().get("callers").tool());

            Files.writeString(rules.resolve("team.yaml"), rule("v1").replace("kind:", "kindd:"));
            eventually("the bad edit is reported", () -> hub.stderr().contains("keeping the last good rules"), hub);
            assertTrue(hub.stderr().contains("team.yaml:5"), hub.stderr());
            Files.writeString(repo.resolve("a.py"), "def f(x):\n    return x + 2\n");
            eventually("the last good rule still fires", () -> tracesFor("note_tool") >= 2, hub);

            Files.writeString(rules.resolve("team.yaml"), rule("v2"));
            eventually("the fixed rules are loaded", () -> hub.stderr().contains("rules reloaded"), hub);
            Files.writeString(repo.resolve("a.py"), "def f(x):\n    return x + 3\n");
            eventually("the new rule's note arrives", () -> List.of("v2 a.py::f").equals(node("a.py::f").callers()), hub);

            Process explain = new ProcessBuilder(HubProcess.command("rules", "--rules", rules.toString(), "--tools",
                    tools.toString(), "explain", "a.py::f", repo.toString())).start();
            String out = new String(explain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(explain.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, explain.waitFor(), err);
            assertTrue(out.contains("fired    note-edits"), out + err);
            assertTrue(out.contains("-> note_tool (priority 80): edited a.py::f"), out + err);
            hub.terminate();
        }
    }
}
