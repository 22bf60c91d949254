package dev.nodestate.hub.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A tool's inputs from the text a person typed ({@code KEY=VALUE}: lists and dicts as JSON), typed by the tool's
 * declared inputs; the one place the CLI, the REPL and the hub's {@code run_tool} request turn text into inputs,
 * so all three give the same errors.
 */
public final class ToolInputs {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ToolInputs() {
    }

    /** Typed inputs; an input the tool does not declare or a value of the wrong type is a USAGE error. */
    public static Map<String, JsonNode> parse(PymTool tool, Map<String, String> text) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : text.entrySet()) {
            PymTool.InputSpec spec = tool.inputs().stream().filter(i -> i.name().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new HubException(ExitCode.USAGE, "tool " + tool.name() + " has no input '" + e.getKey()
                            + "'; its inputs: " + (tool.inputs().isEmpty() ? "(none)"
                            : tool.inputs().stream().map(PymTool.InputSpec::name).collect(Collectors.joining(", ")))));
            try {
                out.put(e.getKey(), spec.type() == null ? F.textNode(e.getValue()) : spec.type().fromText(e.getValue()));
            } catch (IllegalArgumentException x) {
                throw new HubException(ExitCode.USAGE, "input " + e.getKey() + ": " + x.getMessage());
            }
        }
        return out;
    }

    /** Fills node_id, file_path and file_paths from a node, where the tool takes them and they were not given. */
    public static void fillFromNode(PymTool tool, Map<String, JsonNode> inputs, String nodeId, String filePath) {
        for (PymTool.InputSpec i : tool.inputs()) {
            switch (i.name()) {
                case "node_id" -> inputs.putIfAbsent("node_id", F.textNode(nodeId));
                case "file_path" -> inputs.putIfAbsent("file_path", F.textNode(filePath));
                case "file_paths" -> inputs.putIfAbsent("file_paths", F.arrayNode().add(filePath));
                default -> { }
            }
        }
    }
}
