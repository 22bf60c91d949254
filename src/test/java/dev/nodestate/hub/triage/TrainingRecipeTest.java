package dev.nodestate.hub.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * triage/train_lora.py on a tiny random-weight Gemma 3 model, on data exported by the hub. Needs torch, transformers
 * and peft in python3: skipped (with the reason) where they are missing — CI does not install torch (~800 MB).
 */
class TrainingRecipeTest {

    private static boolean pythonHas(String... modules) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import " + String.join(", ", modules)).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void theRecipeTrainsALoraOnExportedDataAndSavesTheAdapter(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(pythonHas("torch", "transformers", "peft"), "python3 lacks torch, transformers or peft");
        Path data = dir.resolve("train.jsonl");
        String prompt = FunctionGemma.prompt("Decide.", List.of(new FunctionGemma.Function("run_find_tests", "tests",
                java.util.Map.of("reason", "why"))), "Node a.py::f changed.");
        String line = new ObjectMapper().createObjectNode().put("prompt", prompt)
                .put("completion", "<start_function_call>call:run_find_tests{reason:<escape>x<escape>}<end_function_call><end_of_turn>").toString();
        Files.writeString(data, line + "\n", StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("python3", "triage/train_lora.py", "--tiny", "--data", data.toString(), "--out",
                dir.resolve("lora").toString(), "--steps", "3").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "training did not finish in 300 s");
        assertEquals(0, p.exitValue(), out);
        JsonNode summary = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        assertEquals(3, summary.path("steps").asInt());
        assertTrue(summary.path("last_loss").asDouble() < summary.path("first_loss").asDouble(), "the loss falls: " + summary);
        assertTrue(Files.exists(dir.resolve("lora/adapter_config.json")), "the adapter is saved");
    }
}
