package dev.nodestate.hub.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionGemmaTest {

    private static final FunctionGemma.Function CALLERS = new FunctionGemma.Function("run_find_callers", "Recompute callers",
            Map.of("reason", "why"));

    @Test
    void aDeclarationFollowsTheModelCardsFormat() {
        assertEquals("<start_function_declaration>declaration:run_find_callers{description:<escape>Recompute callers<escape>,"
                + "parameters:{properties:{reason:{description:<escape>why<escape>,type:<escape>STRING<escape>}},"
                + "required:[<escape>reason<escape>],type:<escape>OBJECT<escape>}}<end_function_declaration>",
                FunctionGemma.declaration(CALLERS));
    }

    @Test
    void thePromptHasADeveloperTurnWithTheDeclarationsThenTheUserTurnAndOpensTheModelTurn() {
        String p = FunctionGemma.prompt("Decide.", List.of(CALLERS), "Node a.py::f changed.");
        assertTrue(p.startsWith("<start_of_turn>developer\nDecide.<start_function_declaration>declaration:run_find_callers{"), p);
        assertTrue(p.endsWith("<end_function_declaration><end_of_turn>\n<start_of_turn>user\nNode a.py::f changed.<end_of_turn>\n"
                + "<start_of_turn>model\n"), p);
    }

    @Test
    void callsAreReadWithEscapedStringsNumbersAndBooleansAndTextAroundThemIgnored() throws Exception {
        List<FunctionGemma.Call> calls = FunctionGemma.calls("Sure.<start_function_call>call:run_find_callers{reason:<escape>a, b {c}<escape>,"
                + "n:3,ok:true}<end_function_call>\n<start_function_call>call:no_update{reason:<escape>x<escape>}<end_function_call><eos>");
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("reason", "a, b {c}");
        first.put("n", 3L);
        first.put("ok", true);
        assertEquals(List.of(new FunctionGemma.Call("run_find_callers", first), new FunctionGemma.Call("no_update", Map.of("reason", "x"))),
                calls);
        assertEquals(List.of(), FunctionGemma.calls("no calls here"));
    }

    @Test
    void aMalformedCallIsUnreadableWithWhy() {
        assertTrue(assertThrows(FunctionGemma.Unreadable.class, () -> FunctionGemma.calls("<start_function_call>call:f{reason:<escape>x"))
                .getMessage().contains("not closed"));
        assertTrue(assertThrows(FunctionGemma.Unreadable.class, () -> FunctionGemma.calls(
                "<start_function_call>f{reason:<escape>x<escape>}<end_function_call>")).getMessage().contains("does not start with 'call:'"));
        assertTrue(assertThrows(FunctionGemma.Unreadable.class, () -> FunctionGemma.calls(
                "<start_function_call>call:f{reason:maybe later}<end_function_call>")).getMessage().contains("neither"));
        assertTrue(assertThrows(FunctionGemma.Unreadable.class, () -> FunctionGemma.calls(
                "<start_function_call>call:f{reason:<escape>a<escape>,reason:<escape>b<escape>}<end_function_call>")).getMessage().contains("twice"));
    }
}
