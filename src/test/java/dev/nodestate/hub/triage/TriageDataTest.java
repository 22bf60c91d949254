package dev.nodestate.hub.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import dev.nodestate.hub.trace.TraceLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hub triage export / eval on a trace file written the way the scheduler writes updates.jsonl. */
class TriageDataTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> INSTALLED = Set.of("find_callers", "compute_complexity", "find_tests", "extract_signatures");

    private static DiffBundle change(String id) {
        var structural = new DiffBundle.Structural(false, "def f(x)", "def f(x)", false, List.of(), List.of(), false, null, null,
                List.of(), List.of(), false, false, null, null, false);
        return new DiffBundle(id, DiffBundle.Kind.CHANGED, null, "a.py", "python", dev.nodestate.hub.store.NodeState.Type.FUNCTION,
                new DiffBundle.Standard(1, 1, "@@"), structural, new DiffBundle.Ast(1, 3, 2, 1, 0, 0, List.of(), List.of()), null, false);
    }

    private static Candidate c(String id, String tool, int priority, boolean required) {
        return new Candidate(id, tool, Map.of(), priority, "because", "r-" + tool, "rules/default.yaml:1", required);
    }

    /** One trace line: the change, its candidates, and which tools ran with whether they changed stored state. */
    private static String entry(String id, Instant at, Map<String, Boolean> ran) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("at", at.toString());
        e.put("node", id);
        e.put("change", change(id));
        e.put("candidates", List.of(c(id, "extract_signatures", 90, true), c(id, "compute_complexity", 60, false),
                c(id, "find_callers", 70, false)));
        e.put("decision", Map.of("triage", "deterministic", "approved", List.of(), "rejected", List.of()));
        List<Map<String, Object>> runs = new ArrayList<>();
        ran.forEach((tool, changed) -> runs.add(Map.of("tool", tool, "duration_ms", 5, "outcome", "applied", "fields", List.of(),
                "changed", changed)));
        e.put("tools_run", runs);
        e.put("outcome", "updated");
        return TraceLog.line(e);
    }

    private static Path traces(Path dir) throws Exception {
        Path file = dir.resolve("updates.jsonl");
        Files.write(file, List.of(
                entry("a.py::f", Instant.parse("2026-12-01T00:00:00Z"), Map.of("compute_complexity", true, "find_callers", false)),
                "{\"not\": \"an update trace\"",
                entry("a.py::g", Instant.parse("2026-12-05T00:00:00Z"), Map.of("compute_complexity", false, "find_callers", false))));
        return file;
    }

    @Test
    void theTrainingSetTargetsTheUpdatesThatChangedStoredStateAndNoUpdateWhenNoneDid(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("train.jsonl");
        List<String> warnings = new ArrayList<>();
        int n = TriageCommands.export(Path.of("triage"), traces(dir), null, INSTALLED::contains, out, warnings::add);
        assertEquals(2, n);
        assertEquals(1, warnings.size(), "the broken line is named: " + warnings);
        assertTrue(warnings.getFirst().contains("updates.jsonl:2: skipped"), warnings.getFirst());
        List<String> lines = Files.readAllLines(out);
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals("developer", first.path("messages").path(0).path("role").asText());
        assertTrue(first.path("messages").path(0).path("content").asText().contains("no_update"), "the shipped prompt");
        JsonNode calls = first.path("messages").path(2).path("tool_calls");
        assertEquals(1, calls.size());
        assertEquals("run_compute_complexity", calls.path(0).path("function").path("name").asText(),
                "only the update that changed state is the target");
        List<String> tools = new ArrayList<>();
        first.path("tools").forEach(t -> tools.add(t.path("function").path("name").asText()));
        assertEquals(List.of("run_find_callers", "run_compute_complexity", "no_update"), tools, "required updates are not offered");
        assertTrue(first.path("prompt").asText().startsWith("<start_of_turn>developer\n"));
        assertTrue(first.path("prompt").asText().endsWith("<start_of_turn>model\n"));
        assertTrue(first.path("completion").asText().startsWith("<start_function_call>call:run_compute_complexity{reason:<escape>"),
                first.path("completion").asText());
        assertEquals("useless", first.path("meta").path("offered").path("run_find_callers").asText());
        JsonNode second = JSON.readTree(lines.get(1));
        assertEquals("no_update", second.path("messages").path(2).path("tool_calls").path(0).path("function").path("name").asText());

        int recent = TriageCommands.export(Path.of("triage"), traces(dir), Instant.parse("2026-12-03T00:00:00Z"), INSTALLED::contains,
                out, w -> { });
        assertEquals(1, recent, "--since keeps the later change only");
    }

    @Test
    void evalReplaysTheChangesThroughTheConfiguredAndTheDeterministicTriage(@TempDir Path dir) throws Exception {
        Path triageDir = dir.resolve("triage");
        Files.createDirectories(triageDir);
        try (StandInModelEndpoint endpoint = new StandInModelEndpoint(body -> StandInModelEndpoint.Answer.ok(
                StandInModelEndpoint.toolCalls("run_compute_complexity", "branches changed")))) {
            Files.writeString(triageDir.resolve("agent.yaml"), "engine: http\nmodel: m\nendpoint:\n  base_url: " + endpoint.baseUrl() + "\n");
            List<String> table = new ArrayList<>();
            var rows = TriageCommands.eval(triageDir, traces(dir), 4, INSTALLED::contains, w -> { }, table::add);
            assertEquals(3, table.size(), table.toString());
            JsonNode baseline = rows.get(0);
            JsonNode model = rows.get(1);
            assertEquals("deterministic (baseline)", baseline.path("triage").asText());
            assertEquals(6, baseline.path("candidates").asInt());
            assertEquals(0.0, baseline.path("runs_saved_percent").asDouble(), "the baseline runs every candidate (budget 4)");
            assertEquals(1, baseline.path("useful_runs").asInt());
            assertEquals(0, baseline.path("missed").asInt());
            assertEquals("model:m", model.path("triage").asText());
            assertEquals(4, model.path("approved").asInt(), "extract_signatures (required) and compute_complexity, twice");
            assertEquals(100.0 * 2 / 6, model.path("runs_saved_percent").asDouble(), 1e-9);
            assertEquals(0, model.path("missed").asInt());
            assertEquals(2, model.path("decided_by").path("model:m").asInt());
        }
    }
}
