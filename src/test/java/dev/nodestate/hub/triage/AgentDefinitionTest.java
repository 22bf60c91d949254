package dev.nodestate.hub.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.rules.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentDefinitionTest {

    private static final Path SHIPPED = Path.of("triage").toAbsolutePath();

    private static List<String> problems(Path dir, String yaml) throws Exception {
        Files.writeString(dir.resolve("agent.yaml"), yaml);
        return AgentLoader.load(dir, 4).problems().stream().map(Problem::describe).toList();
    }

    @Test
    void theShippedDefinitionLoadsWithItsPrompt() throws Exception {
        AgentLoader.Loaded loaded = AgentLoader.load(SHIPPED, 4);
        assertTrue(loaded.problems().isEmpty(), loaded.problems().toString());
        AgentDefinition d = loaded.definition();
        assertEquals("http", d.engine());
        assertEquals("functiongemma-270m-it", d.model());
        assertEquals("http://127.0.0.1:8080/v1", d.baseUrl());
        assertEquals(1500, d.timeout().toMillis());
        assertEquals(0.0, d.temperature());
        assertTrue(TriageAgent.instruction(d).contains("no_update"), "the prompt file is the instruction");
    }

    @Test
    void everyMistakeIsNamedWithFileLineFieldAndWhatToDo(@TempDir Path dir) throws Exception {
        List<String> p = problems(dir, """
                engine: htp
                model: functiongemma-270m-it
                endpoint:
                  base_url: localhost:8080
                  api_key: sk-123
                timeout_ms: 0
                budget: many
                temprature: 0
                prompt: missing.md
                """);
        String d = dir.getFileName() + "/agent.yaml";
        assertTrue(p.contains(d + ":1: error: engine: 'htp' is not one of http, embedded, off (use one of http, embedded, off)"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(d + ":4: error: endpoint.base_url: 'localhost:8080' is not an http(s) URL")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(d + ":5: error: endpoint.api_key: an API key in the file (never put the key")), p.toString());
        assertTrue(p.contains(d + ":6: error: timeout_ms: 0 is out of range (use a whole number from 10 to 120000)"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(d + ":7: error: budget: expected a whole number, found the text 'many'")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(d + ":8: error: temprature: unknown field 'temprature' (known fields: engine,")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith(d + ":9: error: prompt: no file ")), p.toString());
        assertEquals(7, p.size(), p.toString());
        assertNull(AgentLoader.load(dir, 4).definition());
    }

    @Test
    void anEmbeddedEngineNeedsAModelFileThatExists(@TempDir Path dir) throws Exception {
        List<String> p = problems(dir, "engine: embedded\nembedded:\n  model: nowhere.gguf\n");
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.getFirst().contains(":3: error: embedded.model: no file ") && p.getFirst().contains("model server"), p.getFirst());
        assertTrue(problems(dir, "engine: embedded\n").getFirst().contains("engine: embedded needs a model file"));
    }

    @Test
    void aBrokenEditKeepsTheLastGoodDefinitionAndTheUrlOverrideApplies(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("agent.yaml"), "engine: http\nmodel: m1\ntimeout_ms: 500\n");
        List<String> warnings = new ArrayList<>();
        try (TriageAgent agent = TriageAgent.open(dir, 4, Set.of("x")::contains, warnings::add, "http://127.0.0.1:9/v1")) {
            assertEquals("model:m1", agent.name());
            assertEquals("http://127.0.0.1:9/v1", agent.definition().baseUrl(), "HUB_TRIAGE_URL overrides base_url");
            Files.writeString(dir.resolve("agent.yaml"), "engine: http\nmodel: m2\ntimeout_ms: lots\n");
            List<Problem> found = agent.reload();
            assertEquals(1, found.size());
            assertEquals("model:m1", agent.name(), "the last good definition stays in service");
            assertTrue(warnings.getFirst().contains("has errors; keeping model:m1"), warnings.toString());
            Files.writeString(dir.resolve("agent.yaml"), "engine: off\n");
            List<Problem> clean = agent.reload();
            assertTrue(clean.isEmpty(), clean.toString());
            assertEquals("deterministic", agent.name());
        }
    }

    @Test
    void withoutATriageDirectoryTheDeterministicTriageDecides() {
        try (TriageAgent agent = TriageAgent.open(null, 4, s -> true, s -> { }, null)) {
            assertEquals("deterministic", agent.name());
            assertEquals("(built in)", agent.definition().source());
        }
    }
}
