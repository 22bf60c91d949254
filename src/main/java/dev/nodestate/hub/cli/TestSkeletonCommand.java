package dev.nodestate.hub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.refs.CrossFileAnalysis;
import dev.nodestate.hub.sandbox.ToolException;
import dev.nodestate.hub.serve.HubClient;
import dev.nodestate.hub.store.NodeLookup;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.testrun.TestRecords;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymTool;
import dev.nodestate.hub.tool.ToolInputs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code hub test-skeleton NODE [--write] [--json]}: runs {@code generate_test_skeleton} (in the running hub when there
 * is one, else here on the stored state) and writes what it returns: under {@code .agentfs/tests/} by default, into the
 * repository's test tree with {@code --write}; an existing file is never overwritten. The test's text goes to stdout.
 */
@Command(name = "test-skeleton", description = "Generate a runnable test for a function or method that has none "
        + "(under .agentfs/tests/; --write puts it into the repository's test directory; nothing is overwritten).")
final class TestSkeletonCommand implements Callable<Integer> {

    static final String TOOL = "generate_test_skeleton";

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NODE", description = "A node id or an unambiguous part of one.")
    String node;

    @Option(names = "--repo", paramLabel = "PATH", description = "Repository (default: current directory).")
    Path repo = Path.of("");

    @Option(names = "--write", description = "Write the test into the repository's test directory instead of .agentfs/tests/.")
    boolean write;

    @Option(names = "--json", description = "Print {node, path, written, test_id, text} as JSON.")
    boolean json;

    @Option(names = "--tools", paramLabel = "DIR", description = "Tools directory (default: the hub's tools/).")
    Path toolsDir;

    @Override
    public Integer call() {
        Path root = repo.toAbsolutePath().normalize();
        if (!Files.isDirectory(NodeStore.stateDir(root))) {
            throw new HubException(ExitCode.NOT_FOUND, "no hub state in " + root + "; run `hub index " + root + "` first");
        }
        String id;
        try (NodeStore store = NodeStore.openReadOnly(root)) {
            id = NodeLookup.resolve(store, node).id().toString();
        }
        Path tools = toolsDir != null ? toolsDir.toAbsolutePath().normalize() : HubSession.defaultToolsDir();
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("node_id", id);
        inputs.put("location", write ? "repo" : "agentfs");
        JsonNode result = inHub(root, tools, inputs).orElseGet(() -> here(root, tools, inputs));
        JsonNode skeleton = result.path("skeleton");
        if (!skeleton.isObject()) {
            String why = result.path("report").path("skipped").asText("the tool returned no skeleton");
            JsonNode tests = result.path("report").path("tests");
            throw new HubException(ExitCode.FAILURE, "no skeleton for " + id + ": " + why
                    + (tests.isArray() && !tests.isEmpty() ? " (" + String.join(", ", Json.MAPPER.convertValue(tests, String[].class)) + ")" : ""));
        }
        Path written;
        try {
            written = new TestRecords(root).writeSkeleton(id, skeleton, write);
        } catch (TestRecords.Refused e) {
            throw new HubException(ExitCode.FAILURE, "not written: " + e.getMessage());
        }
        String rel = root.relativize(written).toString().replace('\\', '/');
        String testId = skeleton.path("language").asText().equals("java")
                ? skeleton.path("test_class").asText() + "#" + skeleton.path("test_method").asText()
                : rel + "::" + skeleton.path("test_name").asText();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode doc = Json.MAPPER.createObjectNode().put("node", id).put("path", rel).put("written", true)
                    .put("in_repo", write).put("language", skeleton.path("language").asText()).put("test_id", testId)
                    .put("text", skeleton.path("text").asText());
            out.println(Json.pretty(doc));
        } else {
            out.print(skeleton.path("text").asText());
            spec.commandLine().getErr().println("hub: wrote " + rel + " (" + testId + "); run it with `hub run run_single_test " + id + "`");
        }
        out.flush();
        return 0;
    }

    private static Optional<JsonNode> inHub(Path root, Path tools, Map<String, String> inputs) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("tool", TOOL);
        request.put("inputs", inputs);
        request.put("limits", null);
        request.put("tools_dir", tools.toString());
        return HubClient.runInHub(root, request).map(reply -> {
            if (!reply.path("ok").asBoolean()) {
                throw new HubException(HubException.ExitCode.of(reply.path("exit_code").asInt(1)),
                        reply.path("describe").asText(reply.path("message").asText()) + " (ran in the hub, pid " + reply.path("pid").asLong() + ")");
            }
            return reply.get("result");
        });
    }

    private JsonNode here(Path root, Path tools, Map<String, String> inputs) {
        Path file = tools.resolve(TOOL + ".pym");
        if (!Files.isRegularFile(file)) {
            throw new HubException(ExitCode.NOT_FOUND, "no tool " + TOOL + " in " + tools);
        }
        try (NodeStore store = NodeStore.openReadOnly(root); HubSession session = main.session()) {
            Externals externals = HostExternals.standard(root).with(new CrossFileAnalysis(store, null).externals());
            PymTool tool = session.checker(externals).check(file, Files.readString(file, StandardCharsets.UTF_8));
            return session.host().run(tool, ToolInputs.parse(tool, inputs), externals, null).value();
        } catch (IOException e) {
            throw new HubException(ExitCode.NOT_FOUND, "cannot read " + file + ": " + e.getMessage());
        } catch (ToolException e) {
            throw e;
        }
    }
}
