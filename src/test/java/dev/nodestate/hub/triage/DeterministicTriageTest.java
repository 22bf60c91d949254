package dev.nodestate.hub.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.rules.Candidate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeterministicTriageTest {

    private static Candidate c(String tool, int priority, String rule) {
        return new Candidate("a.py::f", tool, Map.of(), priority, "because", rule, "rules/default.yaml:1");
    }

    private static final Set<String> INSTALLED = Set.of("find_callers", "compute_complexity", "find_tests", "search_similar", "x");

    @Test
    void approved_updates_come_in_priority_order_and_the_rest_are_over_budget() {
        Decision d = new DeterministicTriage(2, INSTALLED::contains).decide(null,
                List.of(c("find_tests", 10, "r1"), c("find_callers", 90, "r2"), c("compute_complexity", 50, "r3")));
        assertEquals(List.of("find_callers", "compute_complexity"), d.approved().stream().map(v -> v.candidate().tool()).toList());
        assertEquals("find_tests", d.rejected().getFirst().candidate().tool());
        assertTrue(d.rejected().getFirst().reason().contains("budget of 2"), d.rejected().getFirst().reason());
        assertTrue(d.approved().getFirst().reason().contains("rule r2"), d.approved().getFirst().reason());
    }

    @Test
    void the_same_tool_proposed_by_two_rules_runs_once() {
        Decision d = new DeterministicTriage(4, INSTALLED::contains).decide(null,
                List.of(c("find_callers", 90, "signature"), c("find_callers", 40, "drift")));
        assertEquals(1, d.approved().size());
        assertEquals("duplicate of rule signature (same tool and arguments)", d.rejected().getFirst().reason());
    }

    @Test
    void a_tool_that_cannot_run_is_rejected_with_the_reason() {
        Decision d = new DeterministicTriage(4, INSTALLED::contains).decide(null, List.of(c("missing_tool", 99, "r")));
        assertTrue(d.approved().isEmpty());
        assertTrue(d.rejected().getFirst().reason().contains("not installed"), d.rejected().getFirst().reason());
    }

    @Test
    void a_budget_below_one_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> new DeterministicTriage(0, t -> true));
    }
}
