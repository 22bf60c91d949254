package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `hub rules explain` with a hub running explains with the hub's last good rules, not a broken file on disk. */
class RulesExplainProcessTest {

    @TempDir
    Path repo;

    @TempDir
    Path rules;

    private record Run(int code, String out, String err) {
    }

    private Run explain(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("rules", "--rules", rules.toString(), "explain"));
        args.addAll(List.of(extra));
        args.addAll(List.of("a.py::f", repo.toString()));
        Process p = new ProcessBuilder(HubProcess.command(args.toArray(String[]::new))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out, err);
    }

    private static List<String> fields(JsonNode doc) {
        List<String> names = new ArrayList<>();
        doc.fieldNames().forEachRemaining(names::add);
        doc.path("rules_from").fieldNames().forEachRemaining(n -> names.add("rules_from." + n));
        return names;
    }

    @Test
    void explainUsesTheRunningHubsLastGoodRulesAndNamesTheBrokenFileOnDiskThenFallsBackToDiskWhenTheHubStops()
            throws Exception {
        String shipped = Files.readString(Path.of("rules/default.yaml"));
        Files.writeString(rules.resolve("default.yaml"), shipped);
        Files.writeString(repo.resolve("a.py"), "def f(x):\n    return x\n", StandardCharsets.UTF_8);
        try (HubProcess hub = HubProcess.start("watch", "--json", "--quiet-ms", "100", "--rules", rules.toString(),
                repo.toString())) {
            hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(120));
            Files.writeString(repo.resolve("a.py"), "def f(x, y):\n    return x + y\n");
            hub.awaitPaths(List.of("a.py"));

            // break the rule that fires for this change: an unknown key in its `when`
            List<String> lines = new ArrayList<>(shipped.lines().toList());
            int at = lines.indexOf("  - name: python-signature-changed");
            int broken = at + lines.subList(at, lines.size()).indexOf("      kind: [changed, moved, renamed]");
            lines.set(broken, lines.get(broken).replace("kind:", "kindd:"));
            Files.writeString(rules.resolve("default.yaml"), String.join("\n", lines) + "\n");
            String where = "default.yaml:" + (broken + 1);
            long end = System.nanoTime() + 30_000_000_000L;
            while (!hub.stderr().contains("keeping the last good rules")) {
                assertTrue(System.nanoTime() < end, "the hub did not report the bad edit; stderr:\n" + hub.stderr());
                Thread.sleep(50);
            }

            Run viaHub = explain();
            assertEquals(0, viaHub.code(), viaHub.err());
            assertTrue(viaHub.out().contains("rules: the running hub's (pid " + hub.pid() + "), last good load at "), viaHub.out());
            assertTrue(viaHub.out().contains("fired    python-signature-changed"), viaHub.out());
            assertTrue(viaHub.err().contains("the rules on disk have 1 error(s)"), viaHub.err());
            assertTrue(viaHub.err().contains(where), viaHub.err());
            JsonNode hubJson = new ObjectMapper().readTree(explain("--json").out());
            assertEquals("hub", hubJson.path("rules_from").path("source").asText());
            assertEquals(hub.pid(), hubJson.path("rules_from").path("pid").asLong());
            hub.terminate();

            Run onDisk = explain();
            assertEquals(0, onDisk.code(), onDisk.err());
            assertTrue(onDisk.err().contains("no hub runs for"), onDisk.err());
            assertTrue(onDisk.out().contains("rules: on disk: "), onDisk.out());
            assertFalse(onDisk.out().contains("python-signature-changed"), onDisk.out());
            assertTrue(onDisk.err().contains(where), onDisk.err());
            JsonNode diskJson = new ObjectMapper().readTree(explain("--json").out());
            assertEquals("disk", diskJson.path("rules_from").path("source").asText());
            assertEquals(fields(hubJson), fields(diskJson));
        }
    }
}
