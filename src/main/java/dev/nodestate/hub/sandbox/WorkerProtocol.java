package dev.nodestate.hub.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.HubException;
import java.time.Duration;

/**
 * The JSON lines between the hub and a worker process ({@link WorkerPool}, {@link WorkerMain}), one object a line:
 * <pre>
 * worker -> hub   {"op":"ready","pid":N}                         once, when its lane is warm
 * hub -> worker   {"op":"run","tool","filename","source","key","inputs","externals","limits":{...}}
 *                 {"op":"outline","source","filename"}
 * worker -> hub   {"op":"host_call","external","args"}           an external the tool called; the hub answers
 * hub -> worker   {"op":"host_reply","value"}                    with what the host callback returned
 * worker -> hub   {"op":"done","ok":VALUE,"stdout","elapsed_ns"} or {"op":"done","outline":JSON}
 *                 {"op":"failed","error":{TOOL ERROR},"abandoned":BOOL} or {"op":"failed","message","exit_code"}
 * </pre>
 * {@code abandoned}: the run was stuck in a builtin that ignores interruption and its lane was given up; the hub
 * kills that worker (its thread would burn a core for good).
 */
final class WorkerProtocol {

    static final ObjectMapper JSON = new ObjectMapper();

    private WorkerProtocol() {
    }

    static ObjectNode runRequest(GuestRun r) {
        ObjectNode o = JSON.createObjectNode().put("op", "run").put("tool", r.tool()).put("filename", r.filename())
                .put("source", r.source()).put("key", r.sourceKey()).put("inputs", r.inputsJson())
                .put("externals", r.externalsJson());
        o.putObject("limits").put("memory", r.limits().memoryBytes()).put("time_ns", r.limits().time().toNanos())
                .put("recursion", r.limits().recursion());
        return o;
    }

    static GuestRun run(JsonNode o, GuestRun.HostCallback host) {
        JsonNode l = o.path("limits");
        return new GuestRun(o.path("tool").asText(), o.path("filename").asText(), o.path("source").asText(),
                o.path("key").asText(), o.path("inputs").asText(), o.path("externals").asText(), host,
                new Limits(l.path("memory").asLong(), Duration.ofNanos(l.path("time_ns").asLong()), l.path("recursion").asInt()));
    }

    static ObjectNode outlineRequest(String source, String filename) {
        return JSON.createObjectNode().put("op", "outline").put("source", source).put("filename", filename);
    }

    static ObjectNode done(GuestResult result) {
        ObjectNode o = JSON.createObjectNode().put("op", "done").put("stdout", result.stdout())
                .put("elapsed_ns", result.elapsed().toNanos());
        o.set("ok", result.value());
        return o;
    }

    static GuestResult result(JsonNode done) {
        return new GuestResult(done.get("ok"), done.path("stdout").asText(), Duration.ofNanos(done.path("elapsed_ns").asLong()));
    }

    static ObjectNode failed(ToolError e, boolean abandoned) {
        ObjectNode o = JSON.createObjectNode().put("op", "failed").put("abandoned", abandoned);
        ObjectNode err = o.putObject("error").put("kind", e.kind()).put("tool", e.tool()).put("message", e.message());
        switch (e) {
            case ToolError.Parse p -> err.put("line", p.line()).put("column", p.column());
            case ToolError.Input i -> err.put("input", i.input());
            case ToolError.External x -> err.put("line", x.line());
            case ToolError.Execution x -> err.put("line", x.line()).put("python_type", x.pythonType()).put("context", x.context());
            case ToolError.Limit l -> err.put("line", l.line()).put("limit", l.limit().name());
            case ToolError.Check c -> { }
            case ToolError.Output out -> { }
        }
        return o;
    }

    static ObjectNode failed(HubException e) {
        return JSON.createObjectNode().put("op", "failed").put("message", e.getMessage()).put("exit_code", e.exitCode().code());
    }

    /** The exception a {@code failed} line stands for. */
    static HubException failure(JsonNode failed) {
        JsonNode e = failed.path("error");
        if (e.isMissingNode()) {
            return new HubException(HubException.ExitCode.of(failed.path("exit_code").asInt(1)), failed.path("message").asText());
        }
        String tool = e.path("tool").asText();
        String message = e.path("message").asText();
        int line = e.path("line").asInt(0);
        return new ToolException(switch (e.path("kind").asText()) {
            case "ParseError" -> new ToolError.Parse(tool, line, e.path("column").asInt(1), message);
            case "InputError" -> new ToolError.Input(tool, e.path("input").asText(), message);
            case "ExternalError" -> new ToolError.External(tool, line, message);
            case "LimitError" -> new ToolError.Limit(tool, ToolError.LimitKind.valueOf(e.path("limit").asText("TIME")), line, message);
            case "OutputError" -> new ToolError.Output(tool, message);
            default -> new ToolError.Execution(tool, e.path("python_type").asText("HostError"), line,
                    e.path("context").asText(), message);
        });
    }

    static ObjectNode hostCall(String external, String argumentsJson) {
        return JSON.createObjectNode().put("op", "host_call").put("external", external).put("args", argumentsJson);
    }

    static ObjectNode hostReply(String value) {
        return JSON.createObjectNode().put("op", "host_reply").put("value", value);
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
