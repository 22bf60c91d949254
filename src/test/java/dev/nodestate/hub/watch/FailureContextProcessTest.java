package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.serve.HubClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Demo 1 on real code not written here: CPython's textwrap module and its own test suite. Under {@code hub watch} a
 * real function is broken, real pytest runs, and {@code hub failure} turns its output (and its JUnit XML) into a
 * failure context naming the failing test, the broken function with its recorded change, and their relations.
 */
class FailureContextProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path repo;

    @TempDir
    Path scratch;

    private record Run(int code, String out, String err) {
    }

    private Run cli(String... args) throws Exception {
        Path err = scratch.resolve("err-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(HubProcess.command(args)).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the CLI did not exit");
        return new Run(p.exitValue(), out, Files.readString(err));
    }

    private static Path stdlib(String... parts) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])").start();
        String dir = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "python3 is needed");
        return Path.of(dir, parts);
    }

    /** Real pytest in the repository (python3 -m pytest puts the repository first on sys.path). */
    private String pytest(String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_textwrap.py"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "pytest did not finish");
        assertTrue(!out.contains("No module named pytest"), "pytest is needed (pip install pytest): " + out);
        return out;
    }

    private static void eventually(String what, BooleanSupplier test, HubProcess hub) throws InterruptedException {
        long end = System.nanoTime() + 90_000_000_000L;
        while (!test.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + " did not happen within 90 s; hub stderr:\n" + hub.stderr());
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aRealFailingTestGetsItsContextWithTheBrokenFunctionAndItsRecordedChange() throws Exception {
        Files.createDirectories(repo.resolve("tests"));
        Files.copy(stdlib("textwrap.py"), repo.resolve("textwrap.py"));
        Files.copy(stdlib("test", "test_textwrap.py"), repo.resolve("tests/test_textwrap.py"));
        try (HubProcess hub = HubProcess.start("watch", "--json", "--quiet-ms", "50", repo.toString())) {
            hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(180));
            String source = Files.readString(repo.resolve("textwrap.py"));
            String broken = source.replace("for i, (x, y) in enumerate(zip(margin, indent)):",
                    "for i, (x, y) in enumerate(zip(margin, len(indent))):");
            assertTrue(!broken.equals(source), "the line to break is in textwrap.dedent");
            Files.writeString(repo.resolve("textwrap.py"), broken);
            Path changes = repo.resolve(".agentfs/traces/updates.jsonl");
            eventually("the hub recorded the change of dedent", () -> {
                try {
                    return Files.exists(changes) && Files.readString(changes).contains("\"node\":\"textwrap.py::dedent\"");
                } catch (java.io.IOException e) {
                    return false;
                }
            }, hub);

            String output = pytest();
            assertTrue(output.contains("FAILED tests/test_textwrap.py::DedentTestCase::"), output);
            Path report = scratch.resolve("pytest.txt");
            Files.writeString(report, output);
            Run run = cli("failure", "--repo", repo.toString(), "--json", report.toString());
            assertEquals(0, run.code(), run.err());
            JsonNode failures = JSON.readTree(run.out()).path("failures");
            assertTrue(failures.size() >= 1, run.out());
            JsonNode f = failures.get(0);
            String test = f.path("test").asText();
            assertTrue(test.startsWith("tests/test_textwrap.py::DedentTestCase::"), test);
            assertEquals(test.replace("::DedentTestCase::", "::DedentTestCase."), f.path("test_node").path("id").asText());
            List<String> frameNodes = new ArrayList<>();
            f.path("frames").forEach(fr -> frameNodes.add(fr.path("node").asText()));
            assertTrue(frameNodes.contains("textwrap.py::dedent"), "the traceback's frame in textwrap.py is dedent: " + frameNodes);
            JsonNode dedent = f.path("exercised").get(0);
            assertEquals("textwrap.py::dedent", dedent.path("id").asText(), "the innermost repo frame comes first");
            assertEquals("def dedent(text)", dedent.path("signature").asText());
            assertTrue(dedent.path("docstring").asText().startsWith("Remove any common leading whitespace"), dedent.toString());
            assertTrue(dedent.path("last_change").asText().startsWith("changed") && dedent.path("last_change").asText().contains("lines +1 -1"),
                    "the change hub watch recorded: " + dedent);
            assertEquals("fresh", dedent.path("freshness").asText(), "the hub caught up with the edit");
            assertTrue(dedent.path("other_tests").toString().contains("test_dedent_"), "dedent's other tests: " + dedent);
            assertTrue(dedent.path("callers").toString().contains("DedentTestCase"), dedent.toString());
            String page = Files.readString(repo.resolve(f.path("page").asText()));
            assertTrue(page.contains("# Failing test `" + test + "`") && page.contains("[`textwrap.py::dedent`](")
                    && page.contains("`def dedent(text)`") && page.contains("last change: changed"), page);
            assertTrue(page.contains("](../../../nodes/textwrap.py/dedent.md)"), "links into the node pages: " + page);
            String traced = Files.readString(repo.resolve(".agentfs/traces/failures.jsonl"));
            assertTrue(traced.contains("\"test\":\"" + test + "\"") && traced.contains("\"freshness_status\":\"fresh\""), traced);

            Path xml = scratch.resolve("junit.xml");
            pytest("--junitxml=" + xml);
            Run fromXml = cli("failure", "--repo", repo.toString(), "--json", xml.toString());
            assertEquals(0, fromXml.code(), fromXml.err());
            JsonNode x = JSON.readTree(fromXml.out()).path("failures").get(0);
            assertEquals(f.path("test_node").path("id").asText(), x.path("test_node").path("id").asText(), "JUnit XML names the same node");
            assertEquals("textwrap.py::dedent", x.path("exercised").get(0).path("id").asText());

            Path truncated = scratch.resolve("truncated.txt");
            Files.writeString(truncated, output.substring(0, output.indexOf("short test summary")));
            String before = Files.readString(repo.resolve(f.path("page").asText()));
            Run bad = cli("failure", "--repo", repo.toString(), truncated.toString());
            assertEquals(2, bad.code(), bad.err());
            assertTrue(bad.err().contains("truncated") || bad.err().contains("not a test report"), bad.err());
            Path html = scratch.resolve("page.xml");
            Files.writeString(html, "<html><body>not a report</body></html>");
            Run notJunit = cli("failure", "--repo", repo.toString(), html.toString());
            assertEquals(2, notJunit.code(), notJunit.err());
            assertTrue(notJunit.err().contains("not JUnit XML (root element <html>"), notJunit.err());
            assertEquals(before, Files.readString(repo.resolve(f.path("page").asText())), "a bad report loses nothing");
            try (HubClient client = new HubClient(HubClient.forRepo(repo).socket(), Duration.ofSeconds(2))) {
                assertTrue(client.healthy(), "the hub keeps running");
            }
        }
    }
}
