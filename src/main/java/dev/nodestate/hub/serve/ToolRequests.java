package dev.nodestate.hub.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.sandbox.GuestResult;
import dev.nodestate.hub.sandbox.Limits;
import dev.nodestate.hub.sandbox.ToolException;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.PymTool;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolInputs;
import dev.nodestate.hub.tool.ToolRegistry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code run_tool} request: a client (the CLI's {@code hub tools run}, the REPL's {@code run}) has the running hub
 * run a tool on its warm runtime, with the hub's tools, externals and the same limits, instead of starting GraalPy
 * itself. Nothing is stored: the reply carries the result. Request: {@code {"type": "run_tool", "tool": NAME,
 * "inputs": {KEY: TEXT}, "node": {"id", "file_path"}?, "limits": SPEC?, "tools_dir": DIR?}}; reply: {@code {"ok": true,
 * "tool", "elapsed_ms", "stdout", "result", "ran_in": "hub", "pid"}} or {@code {"ok": false, "error": KIND,
 * "message", "describe", "exit_code", ...}} with the exit code and message the CLI gives in-process.
 */
final class ToolRequests {

    /** Error kind of a request this hub cannot take (another tools directory): the client runs it itself. */
    static final String NOT_HERE = "NotHere";

    private final ToolRegistry tools;
    private final ToolHost host;
    private final Externals externals;
    private final Path toolsDir;

    ToolRequests(ToolRegistry tools, ToolHost host, Externals externals, Path toolsDir) {
        this.tools = tools;
        this.host = host;
        this.externals = externals;
        this.toolsDir = toolsDir.toAbsolutePath().normalize();
    }

    /** The reply to a run_tool request when no tools are loaded in this hub (hub serve). */
    static String none() {
        return refusal("this hub runs no tools (hub serve); run the tool in-process");
    }

    private static String refusal(String message) {
        ObjectNode o = Requests.JSON.createObjectNode().put("ok", false).put("error", NOT_HERE).put("message", message);
        return o.toString();
    }

    String run(JsonNode req) {
        String name = req.path("tool").asText("");
        if (req.hasNonNull("tools_dir") && !Path.of(req.get("tools_dir").asText()).toAbsolutePath().normalize().equals(toolsDir)) {
            return refusal("this hub runs the tools of " + toolsDir + ", not " + req.get("tools_dir").asText());
        }
        ObjectNode reply = Requests.JSON.createObjectNode().put("tool", name).put("ran_in", "hub")
                .put("pid", ProcessHandle.current().pid());
        try {
            if (name.isEmpty()) {
                throw new HubException(ExitCode.USAGE, "run_tool needs \"tool\": the name of a tool of " + toolsDir);
            }
            PymTool tool = tools.get(name);
            Map<String, String> text = new LinkedHashMap<>();
            req.path("inputs").properties().forEach(e -> text.put(e.getKey(), e.getValue().isTextual()
                    ? e.getValue().asText() : e.getValue().toString()));
            Map<String, JsonNode> inputs = ToolInputs.parse(tool, text);
            if (req.path("node").isObject()) {
                ToolInputs.fillFromNode(tool, inputs, req.path("node").path("id").asText(), req.path("node").path("file_path").asText());
            }
            Limits limits = null;
            if (req.hasNonNull("limits")) {
                try {
                    limits = Limits.parse(req.get("limits").asText());
                } catch (IllegalArgumentException e) {
                    throw new HubException(ExitCode.USAGE, "--limits: " + e.getMessage());
                }
            }
            GuestResult result = host.run(tool, inputs, externals, limits);
            reply.put("ok", true).put("elapsed_ms", result.elapsed().toNanos() / 1e6).put("stdout", result.stdout());
            reply.set("result", result.value());
        } catch (ToolException e) {
            reply.put("ok", false).put("error", e.error().kind()).put("message", e.error().message())
                    .put("describe", e.getMessage()).put("exit_code", e.exitCode().code());
        } catch (HubException e) {
            reply.put("ok", false).put("error", e.exitCode().name()).put("message", e.getMessage())
                    .put("describe", e.getMessage()).put("exit_code", e.exitCode().code());
        }
        return reply.toString();
    }
}
