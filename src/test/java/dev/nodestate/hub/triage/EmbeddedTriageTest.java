package dev.nodestate.hub.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole model path in-process, without downloaded weights: a tiny random-weight gemma3 model and LoRA (made by
 * make_tiny_gemma.py) named in triage/agent.yaml; the hub builds the FunctionGemma prompt, the real engine runs it
 * with the adapter under the call grammar, the calls are parsed and the decision says who made it.
 */
class EmbeddedTriageTest {

    private static DiffBundle change() {
        var structural = new DiffBundle.Structural(true, "def f(x)", "def f(x, y)", true, List.of("y"), List.of(), false, null,
                null, List.of(), List.of(), false, false, null, null, false);
        return new DiffBundle("a.py::f", DiffBundle.Kind.CHANGED, null, "a.py", "python", dev.nodestate.hub.store.NodeState.Type.FUNCTION,
                new DiffBundle.Standard(2, 1, "@@"), structural, new DiffBundle.Ast(1, 2, 1, 1, 0, 0, List.of(), List.of()), null, false);
    }

    @Test
    void anEmbeddedModelWithItsAdapterDecidesThroughTheGrammarAndTheDecisionSaysSo(@TempDir Path dir) throws Exception {
        List<String> made = EmbeddedEngineTest.run(List.of("python3",
                Path.of(EmbeddedTriageTest.class.getResource("/triage/make_tiny_gemma.py").toURI()).toString(), dir.toString(), "--context", "4096")); // byte pieces: the hub's prompt is long
        Files.writeString(dir.resolve("agent.yaml"), """
                engine: embedded
                model: tiny-gemma3
                adapter: tiny-lora
                embedded:
                  model: %s
                  lora: %s
                timeout_ms: 20000
                """.formatted(made.get(0), made.get(1)));
        List<Candidate> candidates = List.of(
                new Candidate("a.py::f", "find_callers", Map.of(), 70, "callers may pass old arguments", "sig", "rules/default.yaml:1"),
                new Candidate("a.py::f", "find_tests", Map.of(), 40, "tests of f", "tests", "rules/default.yaml:2"));
        try (TriageAgent agent = TriageAgent.open(dir, 4, Set.of("find_callers", "find_tests")::contains, m -> { }, null)) {
            assertEquals("model:tiny-gemma3+tiny-lora", agent.name());
            assertTrue(agent.definition().describe().contains("embedded"), agent.definition().describe());
            Decision first = agent.decide(change(), null, candidates);
            Decision again = agent.decide(change(), null, candidates);
            assertEquals(first.approved(), again.approved(), "greedy decoding decides the same twice");
            assertEquals(first.triage(), again.triage());
            assertEquals(2, first.approved().size() + first.rejected().size(), "every candidate comes back");
            // seeded weights, greedy decoding: the tiny model calls run_find_callers (its reason is noise, but well-formed)
            assertEquals("model:tiny-gemma3+tiny-lora", first.triage(), first.toString());
            assertEquals(List.of("find_callers"), first.approved().stream().map(v -> v.candidate().tool()).toList());
            assertTrue(first.approved().getFirst().reason().matches("model: [a-zA-Z0-9 ,.()_-]{1,80}"), first.approved().toString());
            assertEquals("model did not call it", first.rejected().getFirst().reason());
            assertTrue(first.latencyMs() != null && first.latencyMs() < 20000, "within the deadline: " + first);
            System.out.println("embedded triage: " + first);
        }
    }
}
