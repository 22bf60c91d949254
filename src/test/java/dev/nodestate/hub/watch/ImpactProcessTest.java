package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Demo 2 on real code (the itsdangerous package installed on this machine, copied into src/): under {@code hub watch}
 * want_bytes' keyword {@code errors} is renamed {@code on_error}; the impact page and JSON name every call site with
 * its file:line and text, flag the one call that passes {@code errors=} and no other, list the tests and the export;
 * {@code hub impact NODE --json} agrees; bad inputs get clear messages.
 */
class ImpactProcessTest {

    private static final String FILE = "src/itsdangerous/encoding.py";
    private static final String NODE = FILE + "::want_bytes";

    @TempDir
    Path repo;

    private final ObjectMapper json = new ObjectMapper();

    private record Run(int exit, String output) {
    }

    private static Run run(Path dir, List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), out);
    }

    /** Every line of the package's files calling want_bytes( outside its definition: file:line -> text. */
    private Map<String, String> expectedCallSites() throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (String dir : List.of("src/itsdangerous", "tests")) {
            try (Stream<Path> files = Files.list(repo.resolve(dir))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".py")).toList()) {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        String l = lines.get(i);
                        if (l.matches(".*(?<![\\w.])want_bytes\\(.*") && !l.contains("def want_bytes") && !l.startsWith("from ")) {
                            out.put(dir + "/" + f.getFileName() + ":" + (i + 1), l.strip());
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void aRenamedKeywordUnderWatchGivesAnImpactPageThatFlagsOnlyTheCallsPassingIt() throws Exception {
        Run where;
        try {
            where = run(Path.of("."), List.of("python3", "-c", "import itsdangerous, os; print(os.path.dirname(itsdangerous.__file__))"));
        } catch (IOException e) {
            where = new Run(1, e.toString());
        }
        assumeTrue(where.exit() == 0, "itsdangerous is not installed here: " + where.output());
        Path target = repo.resolve("src/itsdangerous");
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(Path.of(where.output().strip()))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".py")).toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        Files.createDirectories(repo.resolve("tests"));
        Files.writeString(repo.resolve("tests/test_encoding.py"), """
                from itsdangerous.encoding import want_bytes


                def test_want_bytes():
                    assert want_bytes("x") == b"x"
                """);
        Path encoding = repo.resolve(FILE);
        String real = Files.readString(encoding);
        String from = "s: str | bytes, encoding: str = \"utf-8\", errors: str = \"strict\"\n) -> bytes:\n    if isinstance(s, str):\n        s = s.encode(encoding, errors)";
        assertTrue(real.contains(from), "want_bytes is as this test expects it");
        Map<String, String> sites = expectedCallSites();
        assertTrue(sites.size() >= 10, sites.toString());
        try (HubProcess hub = HubProcess.start("watch", "--json", "--quiet-ms", "100", repo.toString())) {
            hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(180));
            Files.writeString(encoding, real.replace(from, from.replace("errors", "on_error")));
            Path page = repo.resolve(".agentfs/impact/" + FILE + "/want_bytes.md");
            Path pageJson = repo.resolve(".agentfs/impact/" + FILE + "/want_bytes.json");
            hub.awaitFile(pageJson, "impact page", Duration.ofSeconds(180));
            JsonNode report = json.readTree(pageJson.toFile());
            assertEquals(NODE, report.path("node_id").asText());
            assertTrue(report.path("old_signature").asText().contains("errors: str = \"strict\""), report.toString());
            assertTrue(report.path("new_signature").asText().contains("on_error: str = \"strict\""), report.toString());
            Map<String, String> found = new TreeMap<>();
            List<String> broken = new ArrayList<>();
            for (JsonNode c : report.path("call_sites")) {
                found.put(c.path("file").asText() + ":" + c.path("line").asInt(), c.path("text").asText());
                if (c.path("status").asText().equals("broken")) {
                    broken.add(c.path("file").asText() + ":" + c.path("line").asInt() + " " + c.path("reason").asText());
                }
            }
            assertEquals(sites, found, "every call site with its file:line and text");
            String decode = sites.entrySet().stream().filter(e -> e.getValue().contains("errors=\"ignore\"")).findFirst().orElseThrow().getKey();
            assertEquals(List.of(decode + " keyword `errors` no longer exists (new: on_error)"), broken);
            assertEquals(1, report.path("broken").asInt());
            assertTrue(report.path("tests").toString().contains("tests/test_encoding.py::test_want_bytes"), report.toString());
            assertTrue(report.path("exports").toString().contains("module " + FILE), report.toString());
            String md = Files.readString(page);
            assertTrue(md.contains("**likely broken** `" + decode + "`"), md);
            assertTrue(md.contains("keyword `errors` no longer exists (new: on_error)"), md);
            assertTrue(md.contains("## Tests to run") && md.contains("test_want_bytes"), md);
            assertTrue(Files.readString(repo.resolve(".agentfs/traces/impact.jsonl")).contains("\"node\":\"" + NODE + "\""));

            // on demand, through the running hub: the same call sites and verdicts against the recorded old signature
            Run demand = run(repo, HubProcess.command("impact", NODE, "--json"));
            assertEquals(0, demand.exit(), demand.output());
            JsonNode again = json.readTree(demand.output().substring(demand.output().indexOf('{')));
            assertEquals(report.path("call_sites"), again.path("call_sites"));
            assertEquals(report.path("old_signature"), again.path("old_signature"));
            Run text = run(repo, HubProcess.command("impact", NODE));
            assertTrue(text.output().contains("BROKEN " + decode), text.output());

            // bad inputs
            Run unknown = run(repo, HubProcess.command("impact", "no_such_node_anywhere"));
            assertTrue(unknown.exit() != 0 && unknown.output().contains("no_such_node_anywhere"), unknown.output());
            Run lonely = run(repo, HubProcess.command("impact", "src/itsdangerous/serializer.py::Serializer.load_unsafe"));
            assertEquals(0, lonely.exit(), lonely.output());
            assertTrue(lonely.output().contains("nothing in the repository calls src/itsdangerous/serializer.py::Serializer.load_unsafe"),
                    lonely.output());
            Run hidden = run(repo, HubProcess.command("impact", "src/itsdangerous/signer.py::_lazy_sha1"));
            assertEquals(2, hidden.exit(), hidden.output());
            assertTrue(hidden.output().contains("is private, not public API"), hidden.output());
            int exit = hub.terminate();
            assertTrue(exit == 0 || exit == 143, "exit " + exit + "\n" + hub.stderr());
            System.out.println("=== page\n" + md + "\n=== hub impact\n" + text.output() + "\n=== lonely\n" + lonely.output()
                    + "\n=== hidden\n" + hidden.output() + "\n=== unknown\n" + unknown.output());
        }
    }
}
