package dev.nodestate.hub.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.SharedRuntime;
import dev.nodestate.hub.sandbox.GuestResult;
import dev.nodestate.hub.sandbox.Limits;
import java.nio.file.Path;
import java.util.Map;

/** Test helper: check and run .pym source text on the shared runtime with given externals. */
public final class Tools {

    private Tools() {
    }

    public static PymTool check(String name, String source, Externals externals) {
        return new PymChecker(SharedRuntime.get(), externals).check(Path.of(name + ".pym"), source);
    }

    public static PymTool check(String source) {
        return check("t", source, HostExternals.standard(Path.of("").toAbsolutePath()));
    }

    public static GuestResult run(String source, Map<String, JsonNode> inputs, Externals externals, Limits limits) {
        PymTool tool = check("t", source, externals);
        return new ToolHost(SharedRuntime.get()).run(tool, inputs, externals, limits);
    }

    public static JsonNode run(String source) {
        return run(source, Map.of(), HostExternals.standard(Path.of("").toAbsolutePath()), null).value();
    }
}
