package dev.nodestate.hub.testrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.tool.ExternalFunction;
import dev.nodestate.hub.tool.Externals;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The externals of the missing-test tools: {@code test_context(node_id) -> dict} (the repository's test layout and the
 * node's test record) and {@code run_test(...) -> dict} (runs one test with a runner from {@code runners.yaml} and
 * records the run). A tool never names a command: it names a test, and only configured runners start.
 */
public final class TestExternals {

    /** The longest run a tool may wait for: {@code run_single_test} declares a time limit above it. */
    static final long MAX_TIMEOUT_S = 600;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestExternals() {
    }

    public static Externals of(Path repo) {
        TestRecords records = new TestRecords(repo);
        Path root = records.repo();
        return new Externals()
                .add("test_context", "test_context(node_id: str) -> dict", args -> context(root, records, args.path("node_id").asText()))
                .add("run_test", "run_test(node_id: str, language: str, test_file: str, test_name: str, test_class: str = '', "
                        + "test_method: str = '', runner: str = '') -> dict", args -> run(root, records, args));
    }

    static JsonNode context(Path root, TestRecords records, String nodeId) throws ExternalFunction.ExternalFailure {
        if (!nodeId.contains("::")) {
            throw new ExternalFunction.ExternalFailure("'" + nodeId + "' is not a node id (file::name)");
        }
        ObjectNode out = JSON.createObjectNode();
        records.record(nodeId).ifPresentOrElse(r -> out.set("record", r), () -> out.putNull("record"));
        String file = nodeId.split("::", 2)[0];
        String testDir = Files.isDirectory(root.resolve("tests")) ? "tests" : Files.isDirectory(root.resolve("test")) ? "test" : null;
        if (testDir == null) {
            out.putNull("python_test_dir");
        } else {
            out.put("python_test_dir", testDir);
        }
        var packages = out.putArray("packages"); // ancestors of the file that hold an __init__.py, nearest first
        Path dir = Path.of(file).getParent();
        while (dir != null) {
            if (Files.isRegularFile(root.resolve(dir).resolve("__init__.py"))) {
                packages.add(dir.toString().replace('\\', '/'));
            }
            dir = dir.getParent();
        }
        out.put("build", Files.isRegularFile(root.resolve("pom.xml")) ? "maven" : null);
        return out;
    }

    static JsonNode run(Path root, TestRecords records, ObjectNode args) throws ExternalFunction.ExternalFailure {
        String nodeId = args.path("node_id").asText();
        String language = args.path("language").asText();
        String testFile = args.path("test_file").asText();
        if (testFile.isEmpty() || testFile.contains("..") || Path.of(testFile).isAbsolute()) {
            throw new ExternalFunction.ExternalFailure("test_file '" + testFile + "' must be a path inside the repository");
        }
        if (!Files.isRegularFile(root.resolve(testFile))) {
            throw new ExternalFunction.ExternalFailure("no test file " + testFile + " for " + nodeId
                    + "; generate one with `hub test-skeleton " + nodeId + "`");
        }
        TestProcess.Target target = new TestProcess.Target(nodeId, language, testFile, blankToNull(args.path("test_name").asText()),
                blankToNull(args.path("test_class").asText()), blankToNull(args.path("test_method").asText()));
        Runners.Runner runner;
        try {
            runner = Runners.load(root).pick(root, args.path("runner").asText(""), language, testFile);
        } catch (Runners.RunRefused e) {
            throw new ExternalFunction.ExternalFailure("not run: " + e.getMessage());
        }
        if (runner.timeoutSeconds() > MAX_TIMEOUT_S) {
            runner = new Runners.Runner(runner.name(), runner.language(), runner.requires(), runner.tests(), runner.commands(),
                    runner.env(), MAX_TIMEOUT_S, runner.outputBytes(), runner.outcomes());
        }
        TestProcess.Result result = TestProcess.run(root, runner, target);
        return records.recordRun(target, result);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
