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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a hub running, {@code hub tools run} and {@code hub run} are run by that hub over the socket: the CLI process
 * starts no GraalPy (checked by the classes it loads), and errors and exit codes are those of an in-process run.
 */
class DaemonFirstProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path repo;

    @TempDir
    Path scratch;

    private record Run(int code, String out, String err, String classes) {
    }

    /** A CLI process; with {@code logClasses} the JVM logs every class it loads to a file. */
    private Run cli(boolean logClasses, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(HubProcess.command(args));
        Path log = scratch.resolve("classes-" + System.nanoTime() + ".log");
        if (logClasses) {
            cmd.add(1, "-Xlog:class+load=info:file=" + log);
        }
        Path err = scratch.resolve("err-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the CLI did not exit");
        return new Run(p.exitValue(), out, Files.readString(err), logClasses ? Files.readString(log) : "");
    }

    @Test
    void a_running_hub_runs_the_clis_tools_with_the_same_results_errors_and_exit_codes_and_the_cli_starts_no_graalpy()
            throws Exception {
        Path tools = scratch.resolve("tools");
        Files.createDirectories(tools);
        try (Stream<Path> shipped = Files.list(Path.of("tools"))) {
            for (Path t : shipped.toList()) {
                Files.copy(t, tools.resolve(t.getFileName()));
            }
        }
        Files.writeString(tools.resolve("double.pym"), """
                \"\"\"Twice n.\"\"\"
                from grail import Input
                n: int = Input("n")
                print("doubling", n)
                n * 2
                """);
        Files.writeString(tools.resolve("boom.pym"), """
                \"\"\"Always fails.\"\"\"
                raise ValueError("boom here")
                """);
        Files.writeString(repo.resolve("calc.py"), "def add(a, b):\n    return a + b\n");
        try (HubProcess hub = HubProcess.start("watch", "--json", "--tools", tools.toString(), repo.toString())) {
            hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(120));
            Path socket = SocketPath.find(repo);
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.exists(socket) && System.nanoTime() < end) {
                Thread.sleep(20);
            }

            Run viaHub = cli(true, "tools", "--tools", tools.toString(), "run", "double", repo.toString(), "-i", "n=21", "--json");
            assertEquals(0, viaHub.code(), viaHub.err());
            JsonNode doc = JSON.readTree(viaHub.out());
            assertEquals(42, doc.path("result").asInt());
            assertEquals("doubling 21\n", doc.path("stdout").asText());
            assertEquals("hub", doc.path("ran_in").asText());
            assertEquals(hub.pid(), doc.path("pid").asLong(), "the hub process ran it");
            assertTrue(viaHub.classes().contains("dev.nodestate.hub.cli.Main"), "the class log works");
            assertFalse(viaHub.classes().contains("com.oracle.graal.python"), "the CLI loaded GraalPy classes");
            assertFalse(viaHub.classes().contains("org.graalvm.polyglot.Context "), "the CLI created a polyglot context");

            Run text = cli(false, "run", "--tools", tools.toString(), "--repo", repo.toString(), "double", "n=4");
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("8") && text.out().contains("ran in the hub, pid " + hub.pid()), text.out());

            Run impact = cli(true, "impact", "--tools", tools.toString(), "--repo", repo.toString(), "add", "--json");
            assertEquals(0, impact.code(), impact.err());
            assertEquals("calc.py", JSON.readTree(impact.out()).path("exports").path(0).path("file").asText(), impact.out());
            // the host-side parser's classes may load (the REPL's externals); the Python language and its context must not
            assertFalse(impact.classes().contains("com.oracle.graal.python.builtins"), "hub impact ran list_exports in the CLI");
            assertFalse(impact.classes().contains("org.graalvm.polyglot.Context "), "hub impact created a polyglot context");

            Run failedHub = cli(false, "tools", "--tools", tools.toString(), "run", "boom", repo.toString());
            Run failedHere = cli(false, "tools", "--tools", tools.toString(), "run", "--in-process", "boom", repo.toString());
            assertEquals(4, failedHere.code(), failedHere.err());
            assertEquals(failedHere.code(), failedHub.code(), failedHub.err());
            assertTrue(failedHere.err().contains("boom here"), failedHere.err());
            assertEquals(failedHere.err().strip(), failedHub.err().strip().replaceAll(" \\(ran in the hub, pid \\d+\\)$", ""),
                    "the same message either way");

            Run badInputHub = cli(false, "tools", "--tools", tools.toString(), "run", "double", repo.toString(), "-i", "n=x");
            Run badInputHere = cli(false, "tools", "--tools", tools.toString(), "run", "--in-process", "double", repo.toString(), "-i", "n=x");
            assertEquals(2, badInputHere.code(), badInputHere.err());
            assertEquals(badInputHere.code(), badInputHub.code(), badInputHub.err());

            Run missing = cli(false, "tools", "--tools", tools.toString(), "run", "nope", repo.toString());
            assertEquals(3, missing.code(), missing.err());
            assertTrue(missing.err().contains("no tool 'nope'"), missing.err());
        }
    }
}
