package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.serve.HubClient;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `hub serve`: the stored state on the socket without watching, stopped by `hub stop`. */
class ServeProcessTest {

    @TempDir
    Path repo;

    @Test
    void hub_serve_answers_from_the_store_without_watching_and_hub_stop_ends_it() throws Exception {
        Files.writeString(repo.resolve("a.py"), "def f():\n    pass\n");
        try (NodeStore store = NodeStore.open(repo)) {
            store.set(NodeState.create(NodeId.of("a.py", "f"), "f", NodeState.Type.FUNCTION, "h", "fh", Instant.now(),
                    NodeState.Source.COLD_START).with(java.util.Map.of("signature", "def f()")));
        }
        Path err = Files.createTempFile("hub-serve-", ".stderr");
        Process serve = new ProcessBuilder(HubProcess.command("serve", repo.toString())).redirectError(err.toFile()).start();
        try (HubClient client = HubClient.forRepo(repo)) {
            long end = System.nanoTime() + 60_000_000_000L;
            while (!client.healthy()) {
                assertTrue(serve.isAlive(), "hub serve exited: " + Files.readString(err));
                assertTrue(System.nanoTime() < end, "hub serve did not answer within 60 s: " + Files.readString(err));
                Thread.sleep(100);
            }
            assertEquals("def f()", client.getContext(List.of("a.py::f"), "test").get("a.py::f").signature());
            assertEquals("stale", client.context("a.py::f", "test").orElseThrow().path("freshness_status").asText(),
                    "the stored file hash is not the file's: not watching means the hub says so");
            Process second = new ProcessBuilder(HubProcess.command("serve", repo.toString())).start();
            assertEquals(6, second.waitFor(), "one hub per repository");

            Process stop = new ProcessBuilder(HubProcess.command("stop", repo.toString())).start();
            assertTrue(stop.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, stop.exitValue(), new String(stop.getErrorStream().readAllBytes()));
            assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "hub serve stopped");
            assertTrue(Files.readString(err).contains("hub: stopping"), Files.readString(err));
            assertFalse(Files.exists(PidFile.of(repo)));
            assertFalse(Files.exists(repo.resolve(".agentfs/hub.sock")));
        } finally {
            serve.destroyForcibly();
            Files.deleteIfExists(err);
        }
    }
}
