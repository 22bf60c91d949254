package dev.nodestate.hub.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.SharedRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolRegistryTest {

    private static void eventually(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    private static ToolRegistry registry(Path dir) {
        return new ToolRegistry(dir, new PymChecker(SharedRuntime.get(), HostExternals.standard(dir)));
    }

    @Test
    void toolsAreLoadedAtStartAndABrokenOneIsListedWithItsFindings(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("good.pym"), "\"\"\"Answers.\"\"\"\n42\n");
        Files.writeString(dir.resolve("bad.pym"), "import os\nos.getcwd()\n");
        Files.writeString(dir.resolve("notes.txt"), "not a tool");
        try (ToolRegistry registry = registry(dir)) {
            assertEquals(List.of("bad", "good"), registry.list().stream().map(PymTool::name).toList());
            assertEquals("broken", registry.get("bad").status());
            assertEquals("PYM002", registry.get("bad").findings().getFirst().code());
            assertEquals("ok", registry.get("good").status());
            assertEquals(42, new ToolHost(SharedRuntime.get()).run(registry.get("good"), Map.of(), new Externals(), null)
                    .value().asInt());
        }
    }

    @Test
    void addingChangingAndDeletingAToolFileIsReflectedWithoutRestart(@TempDir Path dir) throws Exception {
        try (ToolRegistry registry = registry(dir).watch()) {
            assertTrue(registry.list().isEmpty());
            ToolHost host = new ToolHost(SharedRuntime.get());

            Files.writeString(dir.resolve("answer.pym"), "1\n");
            eventually("the new tool is listed", () -> registry.list().size() == 1);
            assertEquals(1, host.run(registry.get("answer"), Map.of(), new Externals(), null).value().asInt());

            Files.writeString(dir.resolve("answer.pym"), "2\n");
            eventually("the changed tool is reloaded", () -> registry.get("answer").source().equals("2\n"));
            assertEquals(2, host.run(registry.get("answer"), Map.of(), new Externals(), null).value().asInt());

            Files.writeString(dir.resolve("answer.pym"), "import socket\n3\n");
            eventually("the broken edit is seen", () -> registry.get("answer").broken());

            Files.delete(dir.resolve("answer.pym"));
            eventually("the deleted tool is dropped", () -> registry.list().isEmpty());
        }
    }
}
