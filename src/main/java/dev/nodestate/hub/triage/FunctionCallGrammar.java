package dev.nodestate.hub.triage;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The GBNF grammar that holds a model's output to FunctionGemma calls of offered functions with a
 * {@code reason} argument, for {@link EmbeddedEngine#complete}: zero to {@code maxCalls} of
 * <pre>{@code <start_function_call>call:NAME{reason:<escape>TEXT<escape>}<end_function_call>}</pre>
 * one after another, with nothing between them, where NAME is one of the offered names and TEXT is 1 to
 * {@value #MAX_REASON} characters of {@code [a-zA-Z0-9 ,.()_-]}. After at least one call the output may
 * end with {@code <start_function_response>} (FunctionGemma's model card names it an extra stop
 * sequence: pass {@link #STOPS} so it is cut from the text). Then the grammar is complete and only an
 * end-of-generation token ({@code <end_of_turn>}, {@code <eos>}) can follow, which ends the completion.
 * No calls at all means "run none of them". End-of-turn is not in the grammar: llama.cpp treats an
 * end-of-generation token as the grammar's end, never as text.
 *
 * <p>Control tokens are written as literal text: the grammar of llama.cpp b4916 (the build inside
 * java-llama.cpp 4.2.0) matches a token by its text, and with special tokens rendered the text of
 * {@code <escape>} is "&lt;escape&gt;"; the {@code <[id]>} token syntax of later llama.cpp versions
 * does not exist there. {@link EmbeddedEngine} bans every other token containing '<', so each literal
 * can only be produced as its single control token, as the model was trained.
 */
final class FunctionCallGrammar {

    static final int MAX_REASON = 80;
    /** Stop strings to pass with this grammar. */
    static final List<String> STOPS = List.of("<start_function_response>");

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]+");

    private FunctionCallGrammar() {}

    /** @throws IllegalArgumentException for no names, a name outside [a-z0-9_]+, or maxCalls below 1 */
    static String gbnf(List<String> functionNames, int maxCalls) {
        if (functionNames == null || functionNames.isEmpty()) {
            throw new IllegalArgumentException("a function-call grammar needs at least one function name");
        }
        if (maxCalls < 1) {
            throw new IllegalArgumentException("maxCalls must be at least 1, got " + maxCalls);
        }
        Set<String> names = new LinkedHashSet<>();
        for (String n : functionNames) {
            if (n == null || !NAME.matcher(n).matches()) {
                throw new IllegalArgumentException("function name '" + n + "' is not made of [a-z0-9_]: "
                        + "rename the update (tools and rules use such names)");
            }
            names.add(n);
        }
        StringBuilder alternatives = new StringBuilder();
        for (String n : names) {
            alternatives.append(alternatives.isEmpty() ? "" : " | ").append('"').append(n).append('"');
        }
        return """
                root   ::= (call{1,%d} "<start_function_response>"?)?
                call   ::= "<start_function_call>call:" name "{reason:<escape>" reason "<escape>}<end_function_call>"
                name   ::= %s
                reason ::= [a-zA-Z0-9 ,.()_-]{1,%d}
                """.formatted(maxCalls, alternatives, MAX_REASON);
    }
}
