package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.serve.HubClient;
import dev.nodestate.hub.serve.SocketPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted {@code hub watch} serves first: its socket answers store-only requests from the stored state long
 * before the Python runtime is warm and the tools are checked, says what it is doing, and reports its real uptime.
 */
class ServeFirstProcessTest {

    @TempDir
    Path repo;

    @TempDir
    Path scratch;

    /** The hub's status once its phase is {@code phase} (or the last status seen after two minutes). */
    private JsonNode awaitPhase(String phase) throws InterruptedException {
        JsonNode status = null;
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while ((status == null || !status.path("phase").asText().equals(phase)) && System.nanoTime() < until) {
            Thread.sleep(status == null ? 0 : 100);
            try (HubClient c = HubClient.forRepo(repo)) {
                status = c.request(Map.of("type", "status")).orElse(null);
            }
        }
        return status;
    }

    @Test
    void a_restarted_hub_answers_health_and_get_context_long_before_its_tools_are_checked_and_reports_its_real_uptime()
            throws Exception {
        Path tools = scratch.resolve("tools");
        Files.createDirectories(tools);
        try (Stream<Path> shipped = Files.list(Path.of("tools"))) {
            for (Path t : shipped.toList()) {
                Files.copy(t, tools.resolve(t.getFileName()));
            }
        }
        Files.writeString(tools.resolve("double.pym"), "\"\"\"Twice n.\"\"\"\nfrom grail import Input\nn: int = Input(\"n\")\nn * 2\n");
        Files.writeString(repo.resolve("calc.py"), "def add(a, b):\n    return a + b\n");
        try (HubProcess first = HubProcess.start("watch", "--json", "--tools", tools.toString(), repo.toString())) {
            first.await("the first cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(180));
            JsonNode watching = awaitPhase("watching");
            assertEquals("watching", watching.path("phase").asText(), first.stderr());
            int exit = first.terminate();
            assertTrue(exit == 0 || exit == 143, "exit " + exit + "\n" + first.stderr()); // 143: SIGTERM, stopped cleanly
        }
        Files.writeString(repo.resolve("calc.py"), "def add(a, b):\n    return b + a\n"); // changed while no hub ran

        long launched = System.nanoTime();
        try (HubProcess hub = HubProcess.start("watch", "--json", "--tools", tools.toString(), repo.toString())) {
            JsonNode health = null;
            long end = launched + Duration.ofSeconds(180).toNanos();
            while (health == null && System.nanoTime() < end) {
                try (HubClient c = HubClient.forRepo(repo)) {
                    health = c.request(Map.of("type", "health")).orElse(null);
                }
                if (health == null) {
                    Thread.sleep(10);
                }
            }
            double healthSeconds = (System.nanoTime() - launched) / 1e9;
            assertTrue(health != null, "the restarted hub never answered health; stderr:\n" + hub.stderr());
            assertEquals("ok", health.path("status").asText(), health.toString());

            JsonNode context;
            JsonNode refused;
            JsonNode status;
            try (HubClient c = new HubClient(SocketPath.find(repo), Duration.ofSeconds(5))) {
                refused = c.request(Map.of("type", "run_tool", "tool", "double", "inputs", Map.of("n", "21"), "wait_ms", 0))
                        .orElseThrow();
                context = c.request(Map.of("type", "get_context", "nodes", List.of("calc.py::add"))).orElseThrow();
                status = c.request(Map.of("type", "status")).orElseThrow();
            }
            double contextSeconds = (System.nanoTime() - launched) / 1e9;
            assertTrue(health.path("phase").asText().startsWith("starting"), health.toString());
            assertTrue(status.path("phase").asText().startsWith("starting"), status.toString());
            assertEquals("Starting", refused.path("error").asText(), refused.toString());
            assertEquals(6, refused.path("exit_code").asInt(), refused.toString());
            assertTrue(refused.path("message").asText().contains("retry"), refused.toString());
            assertEquals("def add(a, b)", context.path("nodes").path("calc.py::add").path("signature").asText(), context.toString());
            assertEquals("stale", context.path("freshness").path("calc.py::add").asText(),
                    "the stored state of a file changed since is served as stale: " + context);
            assertTrue(context.path("hub_phase").asText().startsWith("starting"), context.toString());

            // a tool run asked for while the hub starts waits for the tools instead of failing
            CompletableFuture<Optional<JsonNode>> run = CompletableFuture.supplyAsync(() -> {
                try (HubClient c = new HubClient(SocketPath.find(repo), Duration.ofMinutes(3))) {
                    return c.request(Map.of("type", "run_tool", "tool", "double", "inputs", Map.of("n", "21")));
                }
            });

            hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(180));
            double readySeconds = (System.nanoTime() - launched) / 1e9;
            JsonNode ran = run.get().orElseThrow(() -> new AssertionError("run_tool got no reply; stderr:\n" + hub.stderr()));
            assertTrue(ran.path("ok").asBoolean(), ran.toString());
            assertEquals(42, ran.path("result").asInt(), ran.toString());

            JsonNode later = awaitPhase("watching");
            double elapsed = (System.nanoTime() - launched) / 1e9;
            System.out.printf("serve first: health answered %.2f s after launch, get_context %.2f s, tools checked and "
                    + "cold start done %.2f s (%.1fx later); status uptime %.2f s at %.2f s since launch%n", healthSeconds,
                    contextSeconds, readySeconds, readySeconds / healthSeconds, later.path("uptime_seconds").asDouble(), elapsed);
            assertTrue(healthSeconds * 2 < readySeconds, "health answered " + healthSeconds + " s after launch, the tools were"
                    + " ready after " + readySeconds + " s: the socket should come up far earlier");
            assertEquals(elapsed, later.path("uptime_seconds").asDouble(), 2.0, "uptime counts from the process start: " + later);
            assertTrue(later.path("started_at").isTextual(), later.toString());
            assertEquals("watching", later.path("phase").asText(), later.toString());
        }
    }
}
