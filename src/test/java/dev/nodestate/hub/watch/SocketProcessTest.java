package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.serve.SocketPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real `hub watch` process answering the seed's Python HubClient (validated with the seed's
 * pydantic NodeState), the stdlib client clients/python/hub_client.py, `hub status` and `hub stop`.
 */
class SocketProcessTest {

    @TempDir
    Path repo;

    @TempDir
    Path scratch;

    private final ObjectMapper json = new ObjectMapper();

    record Run(int code, String out, String err) {
    }

    Run run(List<String> cmd) throws Exception {
        Path out = scratch.resolve("out-" + System.nanoTime());
        Path err = scratch.resolve("err-" + System.nanoTime());
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static boolean python(String module) {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import " + module).redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void a_running_hub_answers_the_seed_client_the_python_client_hub_status_and_stops_on_hub_stop() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(python("json"), "python3 is not installed; the Python clients cannot be run");
        Files.createDirectories(repo.resolve("pkg"));
        Files.writeString(repo.resolve("pkg/calc.py"), "def add(a: int, b: int) -> int:\n    \"\"\"Add.\"\"\"\n    return a + b\n",
                StandardCharsets.UTF_8);
        Path socket = SocketPath.preferred(repo);
        try (HubProcess hub = HubProcess.start("watch", "--json", "--quiet-ms", "50", repo.toString())) {
            hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(120));
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.exists(socket) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(socket), "no socket; stderr:\n" + hub.stderr());

            // (a) the seed's own client, unchanged, validating with the seed's pydantic model
            if (python("pydantic")) {
                Path seed = scratch.resolve("seed_client.py");
                try (var in = getClass().getResourceAsStream("/serve/seed_client.py")) {
                    Files.copy(in, seed);
                }
                Run r = run(List.of("python3", seed.toString(), socket.toString(), "pkg/calc.py::add", "pkg/calc.py::nope"));
                assertEquals(0, r.code(), r.err());
                JsonNode s = json.readTree(r.out());
                assertTrue(s.path("healthy").asBoolean(), r.out());
                assertEquals(List.of("pkg/calc.py::add"), json.convertValue(s.path("raw_ids"), List.class));
                assertEquals("def add(a: int, b: int) -> int", s.path("validated").path("pkg/calc.py::add").path("signature").asText());
            } else {
                System.err.println("SocketProcessTest: pydantic is not installed for python3; the seed client check is skipped"
                        + " (the java-maven image ships it with pip)");
            }

            // (d) the stdlib client on a kept connection
            Path clients = Path.of("clients/python").toAbsolutePath();
            String script = String.join("\n",
                    "import json, sys",
                    "sys.path.insert(0, sys.argv[1])",
                    "from hub_client import HubClient",
                    "with HubClient.for_repo(sys.argv[2], timeout=5.0, requester='py-test') as hub:",
                    "    print(json.dumps({'health': hub.health(), 'ctx': hub.context('pkg/calc.py::add'),",
                    "        'nodes': hub.get_context(['pkg/calc.py::add', 'x.py::y']), 'found': hub.search('calc'),",
                    "        'hint': hub.hint('pkg/calc.py::add', {'note': 'x'}, 'test'), 'bad': hub.request({'type': 'nope'})}))",
                    "print(json.dumps(HubClient('/nonexistent/hub.sock', timeout=0.2).health()))");
            Run py = run(List.of("python3", "-c", script, clients.toString(), repo.toString()));
            assertEquals(0, py.code(), py.err());
            JsonNode p = json.readTree(py.out().lines().findFirst().orElseThrow());
            assertEquals("ok", p.path("health").path("status").asText());
            assertEquals("fresh", p.path("ctx").path("freshness_status").asText());
            assertEquals(1, p.path("nodes").size());
            assertTrue(p.path("found").size() >= 1);
            assertEquals("queued", p.path("hint").path("status").asText());
            assertTrue(p.path("bad").path("error").asText().contains("Unknown request type"));
            assertEquals("null", py.out().lines().skip(1).findFirst().orElseThrow());

            // edit while running: the hub catches up, the context is fresh again with the new hash
            Files.writeString(repo.resolve("pkg/calc.py"), "def add(a: int, b: int) -> int:\n    return b + a\n", StandardCharsets.UTF_8);
            hub.awaitPaths(List.of("pkg/calc.py"));
            // the batch seen may be the hint's refresh of the same file (queued just before the edit): ask until the
            // edit's batch has landed, bounded
            Run ctx;
            long until = System.nanoTime() + 60_000_000_000L;
            do {
                ctx = run(List.of("python3", "-c", String.join("\n", "import json, sys", "sys.path.insert(0, sys.argv[1])",
                        "from hub_client import HubClient",
                        "print(json.dumps(HubClient.for_repo(sys.argv[2], timeout=5.0).context('pkg/calc.py::add')))"),
                        clients.toString(), repo.toString()));
            } while (!json.readTree(ctx.out()).path("freshness_status").asText().equals("fresh") && System.nanoTime() < until
                    && sleep(300));
            assertEquals("fresh", json.readTree(ctx.out()).path("freshness_status").asText(), ctx.out() + ctx.err());

            Run status = run(HubProcess.command("status", "--json", repo.toString()));
            assertEquals(0, status.code(), status.err());
            JsonNode st = json.readTree(status.out());
            assertEquals(hub.pid(), st.path("pid").asLong());
            assertTrue(st.path("nodes").asInt() >= 2, status.out());
            assertTrue(st.hasNonNull("last_update"), status.out());

            List<String> traced = new ArrayList<>();
            for (String l : Files.readAllLines(repo.resolve(".agentfs/traces/context.jsonl"))) {
                traced.add(json.readTree(l).path("freshness_status").asText());
            }
            assertTrue(traced.contains("fresh") && traced.contains("missing"), traced.toString());
            assertTrue(Files.readString(repo.resolve(".agentfs/traces/hints.jsonl")).contains("\"requester\":\"py-test\""));

            Run stop = run(HubProcess.command("stop", repo.toString()));
            assertEquals(0, stop.code(), stop.err());
            assertFalse(ProcessHandle.of(hub.pid()).map(ProcessHandle::isAlive).orElse(false));
            assertFalse(Files.exists(socket), "the socket file is removed when the hub stops");
        }
        Run none = run(HubProcess.command("status", repo.toString()));
        assertEquals(3, none.code(), none.out() + none.err());
        assertTrue(none.err().contains("no hub is running"), none.err());
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }
}
