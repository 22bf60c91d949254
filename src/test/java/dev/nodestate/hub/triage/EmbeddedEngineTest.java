package dev.nodestate.hub.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nodestate.hub.HubException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real inference path without downloaded weights: make_tiny_gemma.py writes a random-weight gemma3
 * model and a LoRA adapter for it, llama.cpp (through java-llama.cpp) runs them in this JVM, and a
 * FunctionGemma prompt completes under {@link FunctionCallGrammar} to calls that parse. The weights are
 * noise, so the test checks form, determinism and the adapter's effect, never what the model decides.
 * Needs python3 with gguf and numpy (.ci/run installs them); fails, not skips, without them.
 */
class EmbeddedEngineTest {

    static final List<String> OFFERED = List.of("run_find_callers", "run_find_tests");
    static final Pattern CALL = Pattern.compile(
            "<start_function_call>call:([a-z0-9_]+)\\{reason:<escape>([a-zA-Z0-9 ,.()_-]{1,80})<escape>}<end_function_call>");

    @TempDir
    static Path dir;
    static Path model;
    static Path lora;
    static EmbeddedEngine base;
    static EmbeddedEngine adapted;
    static EmbeddedEngine halfAdapted;

    @BeforeAll
    static void makeTinyModelAndLoadIt() throws Exception {
        Path script = Path.of(EmbeddedEngineTest.class.getResource("/triage/make_tiny_gemma.py").toURI());
        List<String> out = run(List.of("python3", script.toString(), dir.toString()));
        model = Path.of(out.get(0));
        lora = Path.of(out.get(1));
        base = EmbeddedEngine.load(new EmbeddedEngine.Options(model, null));
        adapted = EmbeddedEngine.load(new EmbeddedEngine.Options(model, lora));
        halfAdapted = EmbeddedEngine.load(new EmbeddedEngine.Options(model, lora, 0.5f, 0, 0));
    }

    @AfterAll
    static void closeEngines() {
        for (EmbeddedEngine e : new EmbeddedEngine[] {base, adapted, halfAdapted}) {
            if (e != null) {
                e.close();
            }
        }
    }

    /** FunctionGemma's prompt: a developer turn with the declarations, the user turn, the model turn opened. */
    static String prompt(String user) {
        StringBuilder s = new StringBuilder("<start_of_turn>developer\n"
                + "You are a model that can do function calling with the following functions");
        for (String name : OFFERED) {
            s.append("<start_function_declaration>declaration:").append(name)
                    .append("{description:<escape>Recompute ").append(name.substring(4).replace('_', ' '))
                    .append("<escape>,parameters:{properties:{reason:{description:<escape>why<escape>,"
                            + "type:<escape>STRING<escape>}},required:[<escape>reason<escape>],type:<escape>OBJECT<escape>}}"
                            + "<end_function_declaration>");
        }
        return s.append("<end_of_turn>\n<start_of_turn>user\n").append(user).append("<end_of_turn>\n<start_of_turn>model\n")
                .toString();
    }

    record Call(String name, String reason) {}

    /** The calls in a completion; fails unless the whole text is calls of offered functions. */
    static List<Call> parse(String text) {
        List<Call> calls = new ArrayList<>();
        Matcher m = CALL.matcher(text);
        int end = 0;
        while (m.find() && m.start() == end) {
            assertTrue(OFFERED.contains(m.group(1)), "a call of " + m.group(1) + ", which was not offered: " + text);
            calls.add(new Call(m.group(1), m.group(2)));
            end = m.end();
        }
        assertEquals(text.length(), end, "text after the calls, or a malformed call: " + text);
        return calls;
    }

    static EmbeddedEngine.Completion decide(EmbeddedEngine engine, String user) {
        return engine.complete(prompt(user), FunctionCallGrammar.gbnf(OFFERED, 2), 200, FunctionCallGrammar.STOPS);
    }

    @Test
    void a_functiongemma_prompt_completes_to_well_formed_calls_of_offered_functions_only() {
        for (EmbeddedEngine engine : List.of(base, adapted, halfAdapted)) {
            EmbeddedEngine.Completion c = decide(engine, "Node a.py::f changed its body. Which updates should run?");
            List<Call> calls = parse(c.text());
            assertTrue(calls.size() <= 2, c.text());
            assertTrue(c.tokens() > 0 && c.tokens() <= 200, c.tokens() + " tokens");
            System.out.printf("%s: %d calls, %d tokens, %d ms: %s%n", engine.describe(), calls.size(), c.tokens(),
                    c.elapsed().toMillis(), c.text());
        }
    }

    @Test
    void the_same_prompt_gives_the_same_completion_every_time() {
        String user = "Node b.py::g changed its signature. Which updates should run?";
        EmbeddedEngine.Completion first = decide(adapted, user);
        decide(adapted, "Node c.py::h was renamed. Which updates should run?"); // the prompt cache now holds another turn
        EmbeddedEngine.Completion again = decide(adapted, user);
        assertEquals(first.text(), again.text());
        assertEquals(first.tokens(), again.tokens());
    }

    @Test
    void a_leading_bos_in_the_prompt_is_not_doubled() {
        String p = prompt("Node e.py::m changed its docstring. Which updates should run?");
        String g = FunctionCallGrammar.gbnf(OFFERED, 2);
        assertEquals(base.complete(p, g, 200, FunctionCallGrammar.STOPS).text(),
                base.complete("<bos>" + p, g, 200, FunctionCallGrammar.STOPS).text());
    }

    @Test
    void calls_from_two_threads_are_serialised_and_give_what_one_thread_gives() throws Exception {
        String one = "Node f.py::n changed its body. Which updates should run?";
        String two = "Node g.py::o was moved. Which updates should run?";
        String first = decide(adapted, one).text();
        String second = decide(adapted, two).text();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var a = pool.submit(() -> decide(adapted, one).text());
            var b = pool.submit(() -> decide(adapted, two).text());
            assertEquals(first, a.get());
            assertEquals(second, b.get());
        }
    }

    @Test
    void the_adapter_changes_what_the_model_says_and_its_scale_counts() {
        // Greedy text follows the argmax of the logits token by token: if the adapter did not reach the
        // logits, the three texts would be equal. Held to ASCII letters: unconstrained, the random model
        // may emit lone byte tokens, which all decode to U+FFFD.
        String p = prompt("Node a.py::f changed its body. Which updates should run?");
        String letters = "root ::= [a-z ]{8,40}";
        String plain = base.complete(p, letters, 40, List.of()).text();
        String full = adapted.complete(p, letters, 40, List.of()).text();
        String half = halfAdapted.complete(p, letters, 40, List.of()).text();
        assertNotEquals(plain, full, "the adapter did not change the output");
        assertNotEquals(plain, half, "the adapter at scale 0.5 did not change the output");
        assertNotEquals(full, half, "scale 0.5 gave what scale 1 gave");
        // and under the grammar: the decision differs with the adapter
        assertNotEquals(decide(base, "Node a.py::f changed its body. Which updates should run?").text(),
                decide(adapted, "Node a.py::f changed its body. Which updates should run?").text());
    }

    @Test
    void a_lora_scale_of_zero_is_the_base_model() {
        try (EmbeddedEngine off = EmbeddedEngine.load(new EmbeddedEngine.Options(model, lora, 0f, 0, 0))) {
            assertEquals(decide(base, "Node d.py::k lost a parameter.").text(), decide(off, "Node d.py::k lost a parameter.").text());
            assertEquals(base.describe(), off.describe());
        }
    }

    @Test
    void control_tokens_come_out_whole_and_the_end_token_is_left_out() {
        // In the tiny vocabulary only <unk>, "<" and the byte token <0x3C> could spell a control token's text.
        GgufFile f = GgufFile.read(model);
        List<String> banned = EmbeddedEngine.strayAngleTokens(f).stream().map(f::token).toList();
        assertEquals(List.of("<unk>", "<0x3C>", "<"), banned);
        String text = decide(base, "Node a.py::f changed its body. Which updates should run?").text();
        assertTrue(!text.endsWith("<eos>") && !text.endsWith("<end_of_turn>"), text);
        // A grammar that allows only the text "<escape><end_function_call>": two control tokens and the end token.
        for (EmbeddedEngine engine : List.of(base, adapted)) {
            EmbeddedEngine.Completion c = engine.complete(prompt("x"), "root ::= \"<escape><end_function_call>\"", 20, List.of());
            assertEquals("<escape><end_function_call>", c.text());
            assertEquals(3, c.tokens(), "spelled in pieces instead of single control tokens");
        }
    }

    @Test
    void a_prompt_that_does_not_fit_the_context_is_refused_not_cut() {
        String longPrompt = prompt("Which updates should run? ".repeat(60));
        HubException e = assertThrows(HubException.class, () -> base.complete(longPrompt, null, 8, List.of()));
        assertTrue(e.getMessage().matches("the triage prompt has \\d+ tokens and 8 more may be generated, but the "
                + "embedded model's context is 512 tokens .*offer fewer candidates per request"), e.getMessage());
        String fits = prompt("Node a.py::f changed its body. Which updates should run?");
        assertThrows(HubException.class, () -> base.complete(fits, null, 500, List.of()));
        assertTrue(base.complete(fits, null, 8, List.of()).tokens() > 0);
    }

    @Test
    void describe_names_the_architecture_layers_size_and_adapter() {
        assertTrue(base.describe().matches("gemma3 \\(6 layers, 1\\.\\d MB\\)"), base.describe());
        assertEquals(base.describe() + " + lora tiny-gemma3-lora.gguf", adapted.describe());
        assertEquals(base.describe() + " + lora tiny-gemma3-lora.gguf x0.5", halfAdapted.describe());
    }

    @Test
    void a_missing_model_file_is_named_with_what_to_do() {
        HubException e = assertThrows(HubException.class,
                () -> EmbeddedEngine.load(new EmbeddedEngine.Options(dir.resolve("nope.gguf"), null)));
        assertEquals(HubException.ExitCode.NOT_FOUND, e.exitCode());
        assertTrue(e.getMessage().contains("triage model not found: " + dir.resolve("nope.gguf")), e.getMessage());
        assertTrue(e.getMessage().contains("triage/agent.yaml"), e.getMessage());
        HubException noLora = assertThrows(HubException.class,
                () -> EmbeddedEngine.load(new EmbeddedEngine.Options(model, dir.resolve("nope-lora.gguf"))));
        assertTrue(noLora.getMessage().startsWith("LoRA adapter not found: "), noLora.getMessage());
    }

    @Test
    void a_file_that_is_not_gguf_is_refused_before_the_native_engine_sees_it() throws IOException {
        Path text = Files.writeString(dir.resolve("model.gguf.txt"), "hello, I am not a model\n");
        HubException e = assertThrows(HubException.class, () -> EmbeddedEngine.load(new EmbeddedEngine.Options(text, null)));
        assertEquals("triage model " + text + ": not a GGUF file (it starts with 'hell', a GGUF file starts with 'GGUF')",
                e.getMessage());
        Path cut = dir.resolve("cut.gguf");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(model), 2000));
        HubException truncated = assertThrows(HubException.class, () -> EmbeddedEngine.load(new EmbeddedEngine.Options(cut, null)));
        assertTrue(truncated.getMessage().contains("ends inside the GGUF header"), truncated.getMessage());
    }

    @Test
    void a_gguf_whose_tensors_are_cut_off_fails_in_llama_cpp_with_a_clear_error() throws IOException {
        Path cut = dir.resolve("no-tensors.gguf");
        byte[] all = Files.readAllBytes(model);
        Files.write(cut, Arrays.copyOf(all, all.length / 2)); // the header is whole, the tensor data is not
        HubException e = assertThrows(HubException.class, () -> EmbeddedEngine.load(new EmbeddedEngine.Options(cut, null)));
        assertTrue(e.getMessage().startsWith("llama.cpp could not load " + cut), e.getMessage());
        assertTrue(e.getMessage().contains("HUB_LLAMA_LOG=1"), e.getMessage());
    }

    @Test
    void a_model_and_an_adapter_given_the_wrong_way_round_are_refused() {
        HubException adapterAsModel = assertThrows(HubException.class,
                () -> EmbeddedEngine.load(new EmbeddedEngine.Options(lora, null)));
        assertTrue(adapterAsModel.getMessage().contains("is a LoRA adapter (general.type=adapter), not a model"),
                adapterAsModel.getMessage());
        HubException modelAsAdapter = assertThrows(HubException.class,
                () -> EmbeddedEngine.load(new EmbeddedEngine.Options(model, model)));
        assertTrue(modelAsAdapter.getMessage().contains("is not a LoRA adapter GGUF"), modelAsAdapter.getMessage());
    }

    @Test
    void without_a_native_library_for_this_platform_the_error_says_why_and_points_to_a_model_server() throws Exception {
        // In a child JVM that claims another CPU: the jar has no library for it, and a library loaded once
        // stays loaded, so this cannot run in the test's own JVM.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> out = run(List.of(java.toString(), "-Dos.arch=sparc", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), LoadInAnotherJvm.class.getName(), model.toString()));
        String message = String.join("\n", out);
        assertTrue(message.startsWith("HubException: the embedded triage engine cannot run here: its native library ("
                + EmbeddedEngine.BINDING + ", for Linux/sparc) did not load: java.lang.UnsatisfiedLinkError"), message);
        assertTrue(message.contains("Point triage/agent.yaml's base_url at a model server"), message);
    }

    /** Loads a model and prints the HubException it fails with. */
    static final class LoadInAnotherJvm {
        public static void main(String[] args) {
            try {
                EmbeddedEngine.load(new EmbeddedEngine.Options(Path.of(args[0]), null)).close();
                System.out.println("loaded");
            } catch (HubException e) {
                System.out.println("HubException: " + e.getMessage());
            }
            System.exit(0);
        }
    }

    @Test
    void a_closed_engine_says_so() {
        EmbeddedEngine e = EmbeddedEngine.load(new EmbeddedEngine.Options(model, null));
        e.close();
        e.close(); // twice is fine
        IllegalStateException x = assertThrows(IllegalStateException.class, () -> e.complete("hi", null, 4, List.of()));
        assertTrue(x.getMessage().contains("closed: gemma3 (6 layers"), x.getMessage());
    }

    /** Runs a command, returns its stdout lines; fails with its stderr and what to install when it fails. */
    static List<String> run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            return fail("cannot start " + command.getFirst() + " (" + e.getMessage() + "): the embedded-engine test needs "
                    + "python3 with the packages gguf and numpy (pip install gguf numpy; .ci/run installs them)");
        }
        p.getOutputStream().close();
        byte[] stdout = p.getInputStream().readAllBytes();
        byte[] stderr = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not finish in 60 s");
        }
        if (p.exitValue() != 0) {
            fail(command.getFirst() + " exited " + p.exitValue() + ": " + new String(stderr, StandardCharsets.UTF_8).strip()
                    + (command.getFirst().equals("python3") ? " (the embedded-engine test needs python3 with gguf and numpy: "
                    + "pip install gguf numpy; .ci/run installs them)" : ""));
        }
        return new String(stdout, StandardCharsets.UTF_8).lines().toList();
    }

    static {
        try {
            EmbeddedEngineTest.class.getResource("/triage/make_tiny_gemma.py").toURI();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("src/test/resources/triage/make_tiny_gemma.py is not on the test class path", e);
        }
    }
}
