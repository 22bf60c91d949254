package dev.nodestate.hub.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The model triage over HTTP against a stand-in endpoint (no model runs here: the replies are the test's). */
class ModelTriageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> INSTALLED = Set.of("find_callers", "compute_complexity", "find_tests", "extract_signatures");

    private final List<String> warnings = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();
    private StandInModelEndpoint endpoint;
    private ModelTriage triage;

    @AfterEach
    void close() {
        if (triage != null) {
            triage.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private static DiffBundle change() {
        var structural = new DiffBundle.Structural(true, "def f(x)", "def f(x, y)", true, List.of("y"), List.of(), false, null,
                null, List.of(), List.of(), false, false, null, null, false);
        return new DiffBundle("a.py::f", DiffBundle.Kind.CHANGED, null, "a.py", "python", dev.nodestate.hub.store.NodeState.Type.FUNCTION,
                new DiffBundle.Standard(2, 1, "@@"), structural, new DiffBundle.Ast(1, 3, 2, 1, 0, 0, List.of("g"), List.of()),
                new DiffBundle.Embedding(0.2, "tfidf"), false);
    }

    private static Candidate c(String tool, int priority) {
        return new Candidate("a.py::f", tool, Map.of(), priority, "because " + tool, "r-" + tool, "rules/default.yaml:1");
    }

    private static final List<Candidate> CANDIDATES = List.of(c("find_callers", 70), c("compute_complexity", 60), c("find_tests", 40),
            new Candidate("a.py::f", "extract_signatures", Map.of(), 90, "re-extract", "sig", "rules/default.yaml:2", true));

    private ModelTriage over(String baseUrl, int timeoutMs, int budget) {
        AgentDefinition d = new AgentDefinition(AgentDefinition.HTTP, "functiongemma-270m-it", "hub-triage", baseUrl, null,
                Duration.ofMillis(timeoutMs), budget, 8, 0, "deterministic", 3, Duration.ofSeconds(60), null, null, null, "test");
        triage = new ModelTriage(d, TriagePrompt.DEFAULT_INSTRUCTION, new OpenAiEndpoint(baseUrl, "hub-triage", null, 0,
                Duration.ofMillis(timeoutMs)), new DeterministicTriage(budget, INSTALLED::contains),
                new ModelTriage.Breaker(3, Duration.ofSeconds(60), now::get), warnings::add);
        return triage;
    }

    private static List<String> tools(List<Decision.Verdict> verdicts) {
        return verdicts.stream().map(v -> v.candidate().tool()).toList();
    }

    @Test
    void structuredToolCallsApproveWhatTheModelCalledWithItsReasonAndRejectTheRest() throws Exception {
        endpoint = new StandInModelEndpoint(body -> StandInModelEndpoint.Answer.ok(
                StandInModelEndpoint.toolCalls("run_compute_complexity", "a branch was added")));
        Decision d = over(endpoint.baseUrl(), 2000, 4).decide(change(), null, CANDIDATES);
        assertEquals("model:functiongemma-270m-it+hub-triage", d.triage());
        assertEquals(List.of("extract_signatures", "compute_complexity"), tools(d.approved()), "required first, then the model's choice");
        assertEquals("model: a branch was added", d.approved().get(1).reason());
        assertTrue(d.approved().getFirst().reason().startsWith("required by rule sig"), d.approved().getFirst().reason());
        assertEquals(List.of("find_callers", "find_tests"), tools(d.rejected()));
        assertTrue(d.rejected().stream().allMatch(v -> v.reason().equals("model did not call it")), d.rejected().toString());
        assertTrue(d.latencyMs() != null && d.latencyMs() >= 0);

        JsonNode request = JSON.readTree(endpoint.requests().getFirst());
        assertEquals("hub-triage", request.path("model").asText(), "the adapter's name is the model a server routes to");
        assertEquals(0.0, request.path("temperature").asDouble());
        List<String> offered = new ArrayList<>();
        request.path("tools").forEach(t -> offered.add(t.path("function").path("name").asText()));
        assertEquals(List.of("run_find_callers", "run_compute_complexity", "run_find_tests", "no_update"), offered,
                "one function per open candidate, by priority; the required one is not asked about");
        assertEquals("reason", request.path("tools").path(0).path("function").path("parameters").path("required").path(0).asText());
        String user = request.path("messages").path(1).path("content").asText();
        assertTrue(user.contains("signature def f(x) -> def f(x, y)") && user.contains("calls added g")
                && user.contains("run_find_tests: find_tests (rule r-find_tests, priority 40): because find_tests"), user);
    }

    @Test
    void functionGemmaCallTextInContentIsReadLikeToolCalls() throws Exception {
        endpoint = new StandInModelEndpoint(body -> StandInModelEndpoint.Answer.ok(StandInModelEndpoint.content(
                "<start_function_call>call:run_find_callers{reason:<escape>callers pass one argument, now two<escape>}<end_function_call>"
                        + "<start_function_call>call:run_find_tests{reason:<escape>tests call f(x)<escape>}<end_function_call>")));
        Decision d = over(endpoint.baseUrl(), 2000, 4).decide(change(), null, CANDIDATES);
        assertEquals(List.of("extract_signatures", "find_callers", "find_tests"), tools(d.approved()));
        assertEquals("model: callers pass one argument, now two", d.approved().get(1).reason());
    }

    @Test
    void noUpdateRejectsEveryOfferedCandidateWithTheModelsReason() throws Exception {
        endpoint = new StandInModelEndpoint(body -> StandInModelEndpoint.Answer.ok(
                StandInModelEndpoint.toolCalls("no_update", "only a comment changed")));
        Decision d = over(endpoint.baseUrl(), 2000, 4).decide(change(), null, CANDIDATES);
        assertEquals(List.of("extract_signatures"), tools(d.approved()), "a required proposal runs whatever the model says");
        assertTrue(d.rejected().stream().allMatch(v -> v.reason().equals("model called no_update: only a comment changed")));
    }

    @Test
    void theModelsApprovalsAreCappedByTheBudget() throws Exception {
        endpoint = new StandInModelEndpoint(body -> StandInModelEndpoint.Answer.ok(StandInModelEndpoint.toolCalls(
                "run_find_callers", "a", "run_compute_complexity", "b", "run_find_tests", "c")));
        Decision d = over(endpoint.baseUrl(), 2000, 2).decide(change(), null, CANDIDATES);
        assertEquals(List.of("extract_signatures", "find_callers", "compute_complexity"), tools(d.approved()));
        assertTrue(d.rejected().getFirst().reason().startsWith("approved by the model but over the budget of 2"), d.rejected().toString());
    }

    @Test
    void unusableAnswersFallBackToTheDeterministicTriageWithTheCause() throws Exception {
        endpoint = new StandInModelEndpoint(body -> StandInModelEndpoint.Answer.ok(StandInModelEndpoint.toolCalls("run_rm_rf", "why not")));
        ModelTriage t = over(endpoint.baseUrl(), 2000, 4);
        for (String answer : List.of(StandInModelEndpoint.toolCalls("run_rm_rf", "why not"), // a function not offered
                StandInModelEndpoint.content("I think you should run find_callers."), // no call at all
                StandInModelEndpoint.content("<start_function_call>call:run_find_callers{reason:<escape>open"), // truncated
                "{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{\"name\":\"run_find_callers\",\"arguments\":\"{not json\"}}]}}]}",
                "<html>not json</html>")) {
            endpoint.answer(body -> StandInModelEndpoint.Answer.ok(answer));
            Decision d = t.decide(change(), null, CANDIDATES);
            assertEquals("fallback:no usable answer", d.triage(), answer);
            assertEquals(List.of("extract_signatures", "find_callers", "compute_complexity", "find_tests"), tools(d.approved()),
                    "the deterministic triage decided: " + answer);
            t.breaker().succeeded();
        }
        endpoint.answer(body -> StandInModelEndpoint.Answer.ok(StandInModelEndpoint.toolCalls("run_rm_rf", "why not")));
        assertEquals("the model called run_rm_rf, which was not offered", t.decide(change(), null, CANDIDATES).note(),
                "the trace says what was unusable");
        t.breaker().succeeded();
        endpoint.answer(body -> StandInModelEndpoint.Answer.ok(StandInModelEndpoint.toolCalls("run_find_callers", "")));
        assertEquals("fallback:no usable answer", t.decide(change(), null, CANDIDATES).triage(), "an empty reason is a bad argument");
        endpoint.answer(body -> new StandInModelEndpoint.Answer(503, "{\"error\":\"loading model\"}", 0));
        assertEquals("fallback:http 503", t.decide(change(), null, CANDIDATES).triage());
    }

    @Test
    void aSlowReplyPastTheDeadlineFallsBackInTime() throws Exception {
        endpoint = new StandInModelEndpoint(body -> new StandInModelEndpoint.Answer(200,
                StandInModelEndpoint.toolCalls("run_find_callers", "late"), 3_000));
        long start = System.nanoTime();
        Decision d = over(endpoint.baseUrl(), 300, 4).decide(change(), null, CANDIDATES);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("fallback:timeout", d.triage());
        assertTrue(ms < 1_500, "decided " + ms + " ms after the start, deadline 300 ms");
        assertEquals(4, d.approved().size());
    }

    @Test
    void aRefusedConnectionFallsBackAndTheBreakerStopsAskingADeadEndpoint() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        ModelTriage t = over("http://127.0.0.1:" + port + "/v1", 1000, 4);
        for (int i = 0; i < 3; i++) {
            assertEquals("fallback:refused", t.decide(change(), null, CANDIDATES).triage());
        }
        assertEquals(1, warnings.size(), "one warning when the breaker opens: " + warnings);
        assertTrue(warnings.getFirst().contains("3 times in a row") && warnings.getFirst().contains("refused"), warnings.getFirst());
        assertEquals("fallback:breaker open", t.decide(change(), null, CANDIDATES).triage());

        endpoint = new StandInModelEndpoint(body -> StandInModelEndpoint.Answer.ok(StandInModelEndpoint.toolCalls("run_find_tests", "x")));
        // the same triage, now pointed at a live endpoint: while open it sends nothing; after open_seconds it tries again
        ModelTriage live = new ModelTriage(t.definition(), TriagePrompt.DEFAULT_INSTRUCTION, new OpenAiEndpoint(endpoint.baseUrl(),
                "m", null, 0, Duration.ofSeconds(1)), new DeterministicTriage(4, INSTALLED::contains), t.breaker(), warnings::add);
        assertEquals("fallback:breaker open", live.decide(change(), null, CANDIDATES).triage());
        assertEquals(0, endpoint.requests().size(), "no request while the breaker is open");
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertEquals("model:functiongemma-270m-it+hub-triage", live.decide(change(), null, CANDIDATES).triage());
        assertEquals(1, endpoint.requests().size());
        live.close();
    }

    @Test
    void nothingToDecideAsksNoModel() throws Exception {
        endpoint = new StandInModelEndpoint(body -> StandInModelEndpoint.Answer.ok(StandInModelEndpoint.toolCalls("no_update", "x")));
        Decision d = over(endpoint.baseUrl(), 1000, 4).decide(change(), null, List.of(CANDIDATES.get(3)));
        assertEquals("deterministic", d.triage());
        assertEquals(0, endpoint.requests().size());
    }
}
