package dev.nodestate.hub.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.sandbox.GuestResult;
import dev.nodestate.hub.sandbox.GuestRun;
import dev.nodestate.hub.sandbox.Limits;
import dev.nodestate.hub.sandbox.Sandbox;
import dev.nodestate.hub.sandbox.ToolError;
import dev.nodestate.hub.sandbox.ToolException;
import dev.nodestate.hub.tool.PymTool.ExternalSpec;
import dev.nodestate.hub.tool.PymTool.InputSpec;
import dev.nodestate.hub.tool.PymTool.ParamSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs checked tools: validates inputs against their declared types and applies defaults, binds
 * the declared externals to host functions (checking argument and return types at the call
 * boundary), applies the tool's limits tightened by the caller's, and hands the run to the sandbox.
 */
public final class ToolHost {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Sandbox runtime;

    public ToolHost(Sandbox runtime) {
        this.runtime = runtime;
    }

    /** Runs {@code tool}; throws {@link ToolException} with the kind of failure. */
    public GuestResult run(PymTool tool, Map<String, JsonNode> inputs, Externals externals, Limits callerLimits) {
        if (tool.broken()) {
            throw new ToolException(new ToolError.Check(tool.name(), tool.findings()));
        }
        ObjectNode validated = validateInputs(tool, inputs);
        ObjectNode declared = JSON.createObjectNode();
        Map<String, ExternalSpec> specs = new HashMap<>();
        for (ExternalSpec ex : tool.externals()) {
            if (externals.get(ex.name()) == null) {
                throw new ToolException(new ToolError.External(tool.name(), ex.line(),
                        "this host does not provide external '" + ex.name() + "'"));
            }
            specs.put(ex.name(), ex);
            ObjectNode d = declared.putObject(ex.name());
            d.put("is_async", ex.isAsync());
            ArrayNode params = d.putArray("params");
            for (ParamSpec p : ex.params()) {
                ObjectNode pn = params.addObject().put("name", p.name()).put("has_default", p.hasDefault());
                pn.set("default", p.defaultValue());
            }
        }
        Limits limits = (callerLimits == null ? tool.limits() : tool.limits().tighten(callerLimits)).tighten(Limits.ceiling());
        GuestRun.HostCallback host = (name, argumentsJson) -> callExternal(specs.get(name), externals, argumentsJson);
        return runtime.run(new GuestRun(tool.name(), tool.path().toString(), tool.source(), tool.sha256(),
                validated.toString(), declared.toString(), host, limits));
    }

    private static ObjectNode validateInputs(PymTool tool, Map<String, JsonNode> given) {
        ObjectNode out = JSON.createObjectNode();
        Map<String, InputSpec> byName = new HashMap<>();
        tool.inputs().forEach(i -> byName.put(i.name(), i));
        for (String name : given.keySet()) {
            if (!byName.containsKey(name)) {
                throw new ToolException(new ToolError.Input(tool.name(), name, "unknown input '" + name
                        + "'; " + tool.name() + " takes " + (byName.isEmpty() ? "no inputs" : String.join(", ", byName.keySet()))));
            }
        }
        for (InputSpec spec : tool.inputs()) {
            JsonNode value = given.get(spec.name());
            if (value == null) {
                if (spec.required()) {
                    throw new ToolException(new ToolError.Input(tool.name(), spec.name(), "missing required input '"
                            + spec.name() + "' (" + spec.annotation() + ")"));
                }
                value = spec.defaultValue() == null ? JSON.nullNode() : spec.defaultValue();
            } else if (!spec.type().accepts(value)) {
                throw new ToolException(new ToolError.Input(tool.name(), spec.name(), "input '" + spec.name()
                        + "' expects " + spec.type().describe() + ", got " + abbreviate(value)));
            }
            out.set(spec.name(), value);
        }
        return out;
    }

    private static String callExternal(ExternalSpec spec, Externals externals, String argumentsJson) {
        try {
            if (spec == null) {
                return error("no such external");
            }
            ObjectNode args = (ObjectNode) JSON.readTree(argumentsJson);
            for (ParamSpec p : spec.params()) {
                JsonNode v = args.get(p.name());
                if (v != null && p.type() != null && !p.type().accepts(v)) {
                    return error(spec.name() + "(): argument '" + p.name() + "' expects " + p.type().describe()
                            + ", got " + abbreviate(v));
                }
            }
            JsonNode result = externals.get(spec.name()).call(args);
            if (result == null) {
                result = JSON.nullNode();
            }
            if (spec.returnType() != null && !spec.returnType().accepts(result)) {
                return error(spec.name() + "() returned " + abbreviate(result) + ", which is not the declared "
                        + spec.returnType().describe());
            }
            if (result.isTextual()) {
                return "s" + result.textValue(); // raw: decoding a file's text as JSON in the guest costs milliseconds
            }
            return "m" + Marshal.latin1(result); // the guest's marshal.loads is host code; its json.loads is not
        } catch (ExternalFunction.ExternalFailure e) {
            return error(spec.name() + "(): " + e.getMessage());
        } catch (Exception | StackOverflowError | OutOfMemoryError e) { // never a Java exception into the guest
            return error(spec.name() + "(): host failure: " + e);
        }
    }

    private static String error(String message) {
        return JSON.createObjectNode().put("error", message).toString();
    }

    private static String abbreviate(JsonNode value) {
        String text = value.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
