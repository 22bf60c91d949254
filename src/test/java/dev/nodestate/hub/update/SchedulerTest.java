package dev.nodestate.hub.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.SharedRuntime;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.rules.Candidate;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import dev.nodestate.hub.trace.TraceLog;
import dev.nodestate.hub.triage.Decision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {

    private static final String COUNT_LINES = """
            \"\"\"Test update tool: the node's file line count, and a caller list naming the tool.\"\"\"
            from grail import Input, external

            node_id: str = Input("node_id")
            file_path: str = Input("file_path")


            @external
            async def read_file(path: str) -> str: ...


            async def main():
                text = await read_file(file_path)
                return {"line_count": len(text.splitlines()), "callers": ["count_lines saw " + node_id]}
            """;

    private static final String BOOM = """
            \"\"\"Test update tool that always fails.\"\"\"
            from grail import Input

            node_id: str = Input("node_id")


            async def main():
                raise ValueError("no luck for " + node_id)
            """;

    private static final String BAD_FIELD = """
            \"\"\"Test update tool that tries to set a field tools may not set.\"\"\"
            async def main():
                return {"file_hash": "x"}
            """;

    @TempDir
    Path repo;

    @TempDir
    Path toolsDir;

    private final ObjectMapper json = new ObjectMapper();

    private record Rig(NodeStore store, ToolRegistry tools, Scheduler scheduler, TraceLog trace) implements AutoCloseable {
        @Override
        public void close() {
            scheduler.close();
            tools.close();
            trace.close();
            store.close();
        }
    }

    private Rig rig(int workers, int capacity) throws Exception {
        Files.writeString(toolsDir.resolve("count_lines.pym"), COUNT_LINES);
        Files.writeString(toolsDir.resolve("boom.pym"), BOOM);
        Files.writeString(toolsDir.resolve("bad_field.pym"), BAD_FIELD);
        Files.writeString(repo.resolve("a.py"), "def f():\n    return 1\n\n\ndef g():\n    pass\n");
        NodeStore store = NodeStore.open(repo);
        for (String name : List.of("f", "g")) {
            store.set(NodeState.create(NodeId.of("a.py", name), name, NodeState.Type.FUNCTION, "h", "fh", Instant.now(),
                    NodeState.Source.COLD_START));
        }
        Externals externals = HostExternals.standard(repo);
        ToolRegistry tools = new ToolRegistry(toolsDir, new PymChecker(SharedRuntime.get(), externals));
        TraceLog trace = TraceLog.open(repo, "updates");
        Scheduler scheduler = new Scheduler(store, new MarkdownPages(repo, store), tools, new ToolHost(SharedRuntime.get()),
                externals, trace, Set.of("compute_complexity"), workers, capacity);
        return new Rig(store, tools, scheduler, trace);
    }

    private static UpdateJob job(String node, String... tools) {
        List<Decision.Verdict> approved = java.util.Arrays.stream(tools)
                .map(t -> new Decision.Verdict(new Candidate(node, t, Map.of(), 50, "test", "r-" + t, "rules/t.yaml:1"), "ok"))
                .toList();
        return new UpdateJob(node, NodeId.parse(node).file(), null, approved.stream().map(Decision.Verdict::candidate).toList(),
                new Decision("deterministic", approved, List.of()), Instant.now());
    }

    private List<JsonNode> traces() throws Exception {
        Path file = TraceLog.directory(repo).resolve("updates.jsonl");
        return Files.readAllLines(file).stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("trace line is not JSON: " + l, e);
            }
        }).toList();
    }

    @Test
    void an_approved_tool_runs_and_its_fields_land_in_the_node_its_page_and_the_trace() throws Exception {
        try (Rig r = rig(1, 100)) {
            r.scheduler().submit(job("a.py::f", "count_lines", "compute_complexity"));
            assertTrue(r.scheduler().awaitIdle(Duration.ofSeconds(60)));
            NodeState f = r.store().get("a.py::f").orElseThrow();
            assertEquals(6, f.lineCount());
            assertEquals(List.of("count_lines saw a.py::f"), f.callers());
            assertEquals("count_lines", f.updates().get("line_count").tool());
            assertTrue(Files.readString(repo.resolve(".agentfs/nodes/a.py/f.md")).contains("count_lines saw a.py::f"));
            JsonNode entry = traces().getLast();
            assertEquals("updated", entry.path("outcome").asText());
            assertEquals("a.py::f", entry.path("node").asText());
            assertEquals("applied", entry.path("tools_run").get(0).path("outcome").asText());
            assertEquals("from change detection", entry.path("tools_run").get(1).path("outcome").asText());
            assertEquals("count_lines", entry.path("decision").path("approved").get(0).path("candidate").path("tool").asText());
        }
    }

    @Test
    void a_failing_tool_is_recorded_on_the_node_and_in_the_trace_and_the_rest_still_applies() throws Exception {
        try (Rig r = rig(1, 100)) {
            r.scheduler().submit(job("a.py::g", "boom", "bad_field", "count_lines"));
            assertTrue(r.scheduler().awaitIdle(Duration.ofSeconds(60)));
            NodeState g = r.store().get("a.py::g").orElseThrow();
            assertEquals(6, g.lineCount());
            assertTrue(g.updates().get("boom").error().contains("no luck for a.py::g"), g.updates().toString());
            assertTrue(g.updates().get("bad_field").error().contains("may set"), g.updates().toString());
            JsonNode entry = traces().getLast();
            assertEquals("failed", entry.path("outcome").asText());
            assertEquals("failed", entry.path("tools_run").get(0).path("outcome").asText());
            assertEquals(1, r.scheduler().completed(), "no retry until the node changes again");
        }
    }

    @Test
    void a_newer_change_of_a_waiting_node_supersedes_the_older_one() throws Exception {
        try (Rig r = rig(0, 100)) {
            r.scheduler().submit(job("a.py::f", "count_lines"));
            r.scheduler().submit(job("a.py::f", "boom"));
            assertEquals(1, r.scheduler().depth());
            assertEquals("superseded", traces().getLast().path("outcome").asText());
            assertEquals("count_lines", traces().getLast().path("decision").path("approved").get(0).path("candidate").path("tool").asText());
        }
    }

    @Test
    void a_full_queue_collapses_work_into_its_file_instead_of_dropping_it() throws Exception {
        try (Rig r = rig(0, 1)) {
            r.scheduler().submit(job("a.py::f", "count_lines"));
            r.scheduler().submit(job("a.py::g", "count_lines"));
            assertEquals(2, r.scheduler().depth(), "one node job and one file job");
            assertEquals("collapsed", traces().getLast().path("outcome").asText());
        }
        List<JsonNode> all = traces();
        assertEquals("not run: hub stopped", all.getLast().path("outcome").asText(), "closing traces what never ran");
    }

    @Test
    void collapsed_file_work_runs_the_tools_for_every_node_of_the_file() throws Exception {
        try (Rig r = rig(1, 1)) {
            // capacity 1 with a worker: fill the queue faster than it drains by submitting many nodes at once
            for (int i = 0; i < 5; i++) {
                r.scheduler().submit(job("a.py::" + (i % 2 == 0 ? "f" : "g"), "count_lines"));
            }
            assertTrue(r.scheduler().awaitIdle(Duration.ofSeconds(60)));
            assertEquals(6, r.store().get("a.py::f").orElseThrow().lineCount());
            assertEquals(6, r.store().get("a.py::g").orElseThrow().lineCount());
        }
    }

    @Test
    void a_result_may_update_other_nodes_through_the_nodes_map() {
        Map<String, Map<String, Object>> changes = Scheduler.changes("t", "a.py::f",
                json.valueToTree(Map.of("nodes", Map.of("b.py::h", Map.of("callers", List.of("a.py::f"))))));
        assertEquals(Map.of("b.py::h", Map.of("callers", List.of("a.py::f"))), changes);
        assertNull(changes.get("a.py::f"));
        assertNotNull(Scheduler.changes("t", "a.py::f", json.valueToTree(Map.of("complexity", 3))).get("a.py::f"));
    }
}
