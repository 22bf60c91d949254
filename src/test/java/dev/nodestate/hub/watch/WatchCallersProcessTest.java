package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.store.FileIndex;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real `hub watch`: editing a caller updates the callee's callers and page; the callee's file is not re-indexed. */
class WatchCallersProcessTest {

    @TempDir
    Path repo;

    private NodeState node(String id) {
        try (NodeStore store = NodeStore.openReadOnly(repo)) {
            return store.get(id).orElse(null);
        }
    }

    private FileIndex fileIndex(String file) {
        try (NodeStore store = NodeStore.openReadOnly(repo)) {
            return store.getFileIndex(file).orElseThrow();
        }
    }

    private static void await(String what, Supplier<Boolean> condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
            Thread.sleep(200);
        }
    }

    @Test
    void editing_a_caller_updates_the_callees_callers_and_page_without_reindexing_its_file() throws Exception {
        Files.createDirectories(repo.resolve("pkg"));
        Files.writeString(repo.resolve("pkg/__init__.py"), "");
        Files.writeString(repo.resolve("pkg/core.py"), "def parse(text):\n    return text.split()\n");
        Files.writeString(repo.resolve("pkg/api.py"), "from pkg.core import parse\n\n\ndef load(t):\n    return parse(t)\n");
        try (HubProcess hub = HubProcess.start("watch", "--json", "--quiet-ms", "100", repo.toString())) {
            hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(120));
            await("the cold cross-file analysis", () -> {
                NodeState parse = node("pkg/core.py::parse");
                return parse != null && parse.callers() != null && !parse.callers().isEmpty();
            }, Duration.ofSeconds(120));
            assertEquals(List.of("pkg/api.py::load"), node("pkg/core.py::parse").callers());
            FileIndex core = fileIndex("pkg/core.py");

            Files.writeString(repo.resolve("pkg/api.py"),
                    "from pkg.core import parse\n\n\ndef load(t):\n    return t\n\n\ndef read(t):\n    return parse(t)\n");
            hub.awaitPaths(List.of("pkg/api.py"));
            await("parse's callers to follow the edit", () -> List.of("pkg/api.py::read").equals(node("pkg/core.py::parse").callers()),
                    Duration.ofSeconds(120));
            assertEquals(List.of("pkg/core.py::parse"), node("pkg/api.py::read").callees());
            assertEquals(List.of(), node("pkg/api.py::load").callees());
            // the page is written after the store: wait for it too rather than race it
            Path pagePath = repo.resolve(".agentfs/nodes/pkg/core.py/parse.md");
            await("parse's page to name its new caller", () -> {
                try {
                    String text = Files.readString(pagePath);
                    return text.contains("read") && !text.contains("load");
                } catch (java.io.IOException e) {
                    return false;
                }
            }, Duration.ofSeconds(30));
            assertEquals(core, fileIndex("pkg/core.py"), "core.py was not re-indexed");
        }
    }
}
