package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.store.NodeStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Demo 3 on real code (the itsdangerous package installed on this machine, copied into a src/ layout with a tests/
 * directory): under {@code hub watch} a function added with no test gets a skeleton under .agentfs/tests/ that real
 * pytest collects and runs; the run lands in tests.jsonl and on the node's page. Then the bad cases in the same hub:
 * a runner that hangs (killed at its timeout, outcome timeout), no runner configured (refused with what to do), a node
 * with no test (a clear message) — and the hub keeps running with its state.
 */
class MissingTestProcessTest {

    private static final String ADDED = """


            def int_to_base64(num: int, pad: bool = False) -> bytes:
                \"\"\"The URL-safe base64 form of an integer's big-endian bytes.\"\"\"
                data = base64_encode(int_to_bytes(num))
                return data + b"=" * (-len(data) % 4) if pad else data
            """;

    private static final String NODE = "src/itsdangerous/encoding.py::int_to_base64";
    private static final String SKELETON = ".agentfs/tests/tests/test_encoding.py";

    @TempDir
    Path repo;

    private final ObjectMapper json = new ObjectMapper();

    private static Run run(Path dir, String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), out);
    }

    private record Run(int exit, String output) {
    }

    private Path installedPackage() throws Exception {
        Run where;
        try {
            where = run(Path.of("."), "python3", "-c", "import itsdangerous, os; print(os.path.dirname(itsdangerous.__file__))");
        } catch (IOException e) {
            where = new Run(1, e.toString());
        }
        assumeTrue(where.exit() == 0, "itsdangerous is not installed here: " + where.output());
        Run pytest = run(Path.of("."), "python3", "-m", "pytest", "--version");
        assumeTrue(pytest.exit() == 0, "pytest is not installed (.ci/run installs it): " + pytest.output());
        return Path.of(where.output().strip());
    }

    private List<JsonNode> runs() throws IOException {
        Path file = repo.resolve(".agentfs/traces/tests.jsonl");
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file)) {
                out.add(json.readTree(l));
            }
        }
        return out;
    }

    private List<JsonNode> updates() throws IOException {
        Path file = repo.resolve(".agentfs/traces/updates.jsonl");
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file)) {
                out.add(json.readTree(l));
            }
        }
        return out;
    }

    private static void eventually(String what, BooleanSupplier test, HubProcess hub) throws InterruptedException {
        long end = System.nanoTime() + 120_000_000_000L;
        while (!test.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + " did not happen within 120 s; hub stderr:\n" + hub.stderr());
            }
            Thread.sleep(100);
        }
    }

    private String page() throws IOException {
        return Files.readString(repo.resolve(".agentfs/nodes/src/itsdangerous/encoding.py/int_to_base64.md"));
    }

    @Test
    void aFunctionAddedWithNoTestGetsASkeletonThatRealPytestRunsAndTheRunIsLoggedAndOnItsPage() throws Exception {
        Path pkg = installedPackage();
        Path target = repo.resolve("src/itsdangerous");
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".py")).toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        Files.createDirectories(repo.resolve("tests"));
        Files.writeString(repo.resolve("tests/test_encoding.py"), """
                import sys
                from pathlib import Path

                sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

                from itsdangerous.encoding import base64_decode, base64_encode, int_to_bytes


                def test_int_to_bytes():
                    assert int_to_bytes(1) == b"\\x01"


                def test_base64_encode():
                    assert base64_decode(base64_encode(b"x")) == b"x"
                """);
        try (HubProcess hub = HubProcess.start("watch", "--json", "--quiet-ms", "100", repo.toString())) {
            hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(180));
            Files.writeString(target.resolve("encoding.py"), ADDED, StandardOpenOption.APPEND);
            eventually("a run of the new function's skeleton", () -> {
                try {
                    return runs().size() >= 1;
                } catch (IOException e) {
                    return false;
                }
            }, hub);

            // the skeleton: under .agentfs/tests/ mirroring tests/, importing through the src/ layout and the package
            String skeleton = Files.readString(repo.resolve(SKELETON));
            assertTrue(skeleton.contains("from itsdangerous.encoding import int_to_base64"), skeleton);
            assertTrue(skeleton.contains("ROOT = Path(__file__).resolve().parents[3] / 'src'"), skeleton);
            assertTrue(skeleton.contains("result = int_to_base64(num=1, pad=False)"), "arguments from the annotation and the default:\n" + skeleton);
            assertTrue(skeleton.contains("# TODO(hub): replace `expected`"), skeleton);
            assertEquals(Files.readString(repo.resolve("tests/test_encoding.py")).length() > 0, true, "the user's test file is untouched");
            assertTrue(!Files.readString(repo.resolve("tests/test_encoding.py")).contains("int_to_base64"));
            Run collect = run(repo, "python3", "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", SKELETON);
            assertEquals(0, collect.exit(), collect.output());
            assertTrue(collect.output().contains(SKELETON + "::test_int_to_base64"), collect.output());

            // the run: real pytest, only that test, in tests.jsonl
            JsonNode first = runs().getFirst();
            assertEquals(NODE, first.path("node").asText());
            assertEquals(SKELETON + "::test_int_to_base64", first.path("test_id").asText());
            assertEquals("pytest", first.path("runner").asText());
            assertEquals("passed", first.path("outcome").asText(), first.toString());
            assertEquals(0, first.path("exit_code").asInt());
            assertEquals(List.of("python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", SKELETON + "::test_int_to_base64"),
                    json.convertValue(first.path("command").path(0), List.class));
            assertTrue(first.path("output_excerpt").asText().contains("1 passed"), first.toString());
            assertTrue(first.path("duration_ms").asLong() > 0);
            String page = page();
            assertTrue(page.contains("## Test run"), page);
            assertTrue(page.contains("- skeleton: `" + SKELETON + "`"), page);
            assertTrue(page.contains("- last run: **passed** in " + first.path("duration_ms").asLong() + " ms"), page);
            assertTrue(page.contains("1 passed"), page);

            // a runner that hangs: killed at its timeout, outcome timeout, the page says so
            Files.writeString(repo.resolve(".agentfs/runners.yaml"), """
                    runners:
                      pytest:
                        language: python
                        commands:
                          - [python3, -c, "import time; time.sleep(600)  # hub-hang-marker"]
                        timeout_s: 2
                    """);
            edit(target, "if pad else data", "if pad else data[:]");
            eventually("the hanging run's timeout", () -> {
                try {
                    return runs().size() >= 2;
                } catch (IOException e) {
                    return false;
                }
            }, hub);
            JsonNode hung = runs().get(1);
            assertEquals("timeout", hung.path("outcome").asText(), hung.toString());
            assertTrue(hung.path("exit_code").isNull());
            assertTrue(hung.path("message").asText().contains("killed"), hung.toString());
            assertTrue(hung.path("duration_ms").asLong() < 10_000, hung.toString());
            Thread.sleep(500);
            assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains("hub-hang-marker")),
                    "the hanging runner was killed");
            assertTrue(page().contains("- last run: **timeout**"), page());

            // no runner for Python configured: refused with what to do; nothing stored is lost
            Files.writeString(repo.resolve(".agentfs/runners.yaml"), """
                    runners:
                      junit-only:
                        language: java
                        commands:
                          - [java, -version]
                    """);
            int before = updates().size();
            edit(target, "if pad else data[:]", "if pad else data[0:]");
            eventually("the refused run in the update trace", () -> {
                try {
                    return updates().stream().skip(before).anyMatch(u -> u.path("node").asText().equals(NODE)
                            && u.path("tools_run").toString().contains("run_single_test"));
                } catch (IOException e) {
                    return false;
                }
            }, hub);
            JsonNode refused = updates().stream().skip(before).filter(u -> u.path("node").asText().equals(NODE)
                    && u.path("tools_run").toString().contains("run_single_test")).findFirst().orElseThrow();
            String error = "";
            for (JsonNode r : refused.path("tools_run")) {
                if (r.path("tool").asText().equals("run_single_test")) {
                    assertEquals("failed", r.path("outcome").asText(), r.toString());
                    error = r.path("error").asText();
                }
            }
            assertTrue(error.contains("no runner for python test " + SKELETON + " is configured in "), error);
            assertTrue(error.contains("add one with language: python"), error);
            assertEquals(2, runs().size(), "a refused run starts nothing and logs no run");
            assertTrue(page().contains("- last run: **timeout**"), "the last recorded run stays on the page");

            // a node with no test: a clear message from the CLI (run by the hub), and the hub keeps its state
            Run none = run(repo, HubProcess.command("run", "run_single_test", "src/itsdangerous/encoding.py::want_bytes").toArray(String[]::new));
            assertEquals(4, none.exit(), none.output());
            assertTrue(none.output().contains("no test to run for src/itsdangerous/encoding.py::want_bytes: generate one with "
                    + "`hub test-skeleton src/itsdangerous/encoding.py::want_bytes`"), none.output());
            try (dev.nodestate.hub.serve.HubClient client = new dev.nodestate.hub.serve.HubClient(
                    dev.nodestate.hub.serve.HubClient.forRepo(repo).socket(), Duration.ofMillis(500))) {
                assertTrue(client.healthy(), "the hub keeps answering");
            }
            int exit = hub.terminate();
            assertTrue(exit == 0 || exit == 143, "exit " + exit + "\n" + hub.stderr());
        }
        try (NodeStore store = NodeStore.openReadOnly(repo)) {
            assertEquals("def int_to_base64(num: int, pad: bool = False) -> bytes", store.get(NODE).orElseThrow().signature());
        }
    }

    private static void edit(Path pkgDir, String from, String to) throws IOException {
        Path file = pkgDir.resolve("encoding.py");
        String text = Files.readString(file);
        assertTrue(text.contains(from), from);
        Files.writeString(file, text.replace(from, to));
    }
}
