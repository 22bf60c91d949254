package dev.nodestate.hub.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The grammar's text; that llama.cpp parses it and holds a model to it is EmbeddedEngineTest's part. */
class FunctionCallGrammarTest {

    @Test
    void the_grammar_offers_each_name_once_and_bounds_calls_and_reason_length() {
        String g = FunctionCallGrammar.gbnf(List.of("run_find_callers", "run_find_tests", "run_find_callers"), 3);
        assertTrue(g.contains("root   ::= (call{1,3} \"<start_function_response>\"?)?"), g);
        assertTrue(g.contains("name   ::= \"run_find_callers\" | \"run_find_tests\"\n"), g);
        assertTrue(g.contains("\"<start_function_call>call:\" name \"{reason:<escape>\" reason \"<escape>}<end_function_call>\""), g);
        assertTrue(g.contains("reason ::= [a-zA-Z0-9 ,.()_-]{1,80}"), g);
    }

    @Test
    void names_outside_lowercase_letters_digits_and_underscore_are_refused() {
        for (String bad : List.of("Run", "run-tests", "a\"b", "", "run tests")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FunctionCallGrammar.gbnf(List.of("ok", bad), 1));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void no_names_or_fewer_than_one_call_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> FunctionCallGrammar.gbnf(List.of(), 2));
        assertEquals("maxCalls must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> FunctionCallGrammar.gbnf(List.of("a"), 0)).getMessage());
    }
}
