package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real `hub watch` process on a temp repository, through the edits people make. */
class WatchProcessTest {

    @TempDir
    Path repo;

    private final ObjectMapper json = new ObjectMapper();

    private Optional<NodeState> node(String id) {
        try (NodeStore store = NodeStore.openReadOnly(repo)) {
            return store.get(id);
        }
    }

    private List<String> nodesOf(String file) {
        try (NodeStore store = NodeStore.openReadOnly(repo)) {
            return store.byFile(file).stream().map(n -> n.id().toString()).toList();
        }
    }

    private List<JsonNode> traces() throws Exception {
        Path file = repo.resolve(".agentfs/traces/updates.jsonl");
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    /** Polls {@code condition} until it holds or {@code limit} passes. */
    private static boolean eventually(java.util.function.BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    private void write(String path, String text) throws Exception {
        Path p = repo.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    @Test
    void state_and_pages_follow_edits_adds_deletes_renames_moves_new_packages_and_bursts() throws Exception {
        write("pkg/util.py", "def add(a, b):\n    \"\"\"Add two numbers.\"\"\"\n    return a + b\n\n\ndef unused():\n    pass\n");
        write("pkg/Calc.java", "package pkg;\n\npublic class Calc {\n    public int twice(int x) {\n        return 2 * x;\n    }\n}\n");
        try (HubProcess hub = HubProcess.start("watch", "--json", "--quiet-ms", "100", repo.toString())) {
            hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(120));
            assertEquals("def add(a, b)", node("pkg/util.py::add").orElseThrow().signature());
            assertTrue(Files.exists(repo.resolve(".agentfs/nodes/pkg/Calc.java/Calc.twice(int).md")));

            // a second hub on the same repo is refused, naming the running one
            Process second = new ProcessBuilder(HubProcess.command("watch", repo.toString())).start();
            String secondErr = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(6, second.waitFor(), secondErr);
            assertTrue(secondErr.contains("already running") && secondErr.contains("pid " + hub.pid()), secondErr);

            // edit: a parameter added, the docstring left alone
            write("pkg/util.py", "def add(a, b, c=0):\n    \"\"\"Add two numbers.\"\"\"\n    return a + b + c\n\n\ndef unused():\n    pass\n");
            hub.awaitPaths(List.of("pkg/util.py"));
            NodeState add = node("pkg/util.py::add").orElseThrow();
            assertEquals("def add(a, b, c=0)", add.signature());
            assertTrue(add.docstringOutdated(), "signature changed, docstring did not");
            assertEquals(NodeState.Source.FILE_CHANGE, add.updateSource());
            assertTrue(Files.readString(repo.resolve(".agentfs/nodes/pkg/util.py/add.md")).contains("def add(a, b, c=0)"));
            assertFalse(node("pkg/util.py::unused").orElseThrow().docstringOutdated());

            // add, then delete a file
            write("pkg/extra.py", "class Extra:\n    def run(self):\n        return 1\n");
            hub.awaitPaths(List.of("pkg/extra.py"));
            assertEquals(List.of("pkg/extra.py", "pkg/extra.py::Extra", "pkg/extra.py::Extra.run"), nodesOf("pkg/extra.py"));
            Files.delete(repo.resolve("pkg/extra.py"));
            hub.awaitPaths(List.of("pkg/extra.py"));
            assertEquals(List.of(), nodesOf("pkg/extra.py"));
            assertFalse(Files.exists(repo.resolve(".agentfs/nodes/pkg/extra.py/Extra.run.md")));

            // rename a file, then move it to another directory
            Files.move(repo.resolve("pkg/util.py"), repo.resolve("pkg/helpers.py"));
            hub.awaitPaths(List.of("pkg/util.py", "pkg/helpers.py"));
            assertEquals(List.of(), nodesOf("pkg/util.py"));
            assertEquals("def add(a, b, c=0)", node("pkg/helpers.py::add").orElseThrow().signature());
            Files.createDirectories(repo.resolve("lib"));
            Files.move(repo.resolve("pkg/helpers.py"), repo.resolve("lib/helpers.py"));
            hub.awaitPaths(List.of("lib/helpers.py"));
            assertTrue(node("lib/helpers.py::add").isPresent());
            assertTrue(Files.exists(repo.resolve(".agentfs/nodes/lib/helpers.py/add.md")));
            assertFalse(Files.exists(repo.resolve(".agentfs/nodes/pkg/helpers.py/add.md")));

            // a new package directory and a file in it, created at once
            write("newpkg/sub/__init__.py", "");
            write("newpkg/sub/mod.py", "def fresh():\n    return 42\n");
            hub.awaitPaths(List.of("newpkg/sub/mod.py"));
            assertTrue(node("newpkg/sub/mod.py::fresh").isPresent());

            // a branch-like burst: many files at once become few batches
            List<String> burst = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                String path = "burst/m" + i + ".py";
                write(path, "def f" + i + "(x):\n    return x + " + i + "\n");
                burst.add(path);
            }
            hub.awaitPaths(burst);
            for (int i = 0; i < 150; i += 37) {
                // a file caught between its creation and its content comes again in a later batch
                String id = "burst/m" + i + ".py::f" + i;
                assertTrue(eventually(() -> node(id).isPresent(), Duration.ofSeconds(60)), "burst file " + i);
            }

            // every change was traced with its candidates and decisions
            List<JsonNode> traced = traces();
            assertTrue(traced.stream().anyMatch(t -> t.path("node").asText().equals("pkg/util.py::add")
                    && t.path("change").path("diff_structural").path("signature_changed").asBoolean()), "edit traced");
            assertTrue(traced.stream().anyMatch(t -> t.path("change").path("kind").asText().equals("moved")), "move traced");
            assertTrue(traced.stream().allMatch(t -> t.has("decision") && t.has("outcome")));

            int exit = hub.terminate();
            assertTrue(exit == 0 || exit == 143, "exit " + exit + "\n" + hub.stderr());
            assertTrue(hub.stderr().contains("hub: stopping"), "exit " + exit + ": " + hub.stderr());
        }
        assertFalse(Files.exists(PidFile.of(repo)), "the pid file is removed on a clean stop");
        try (NodeStore store = NodeStore.open(repo)) {
            assertTrue(store.get("newpkg/sub/mod.py::fresh").isPresent(), "state survives the stop; the lock is released");
        }
    }
}
