package dev.nodestate.hub.tool;

import dev.nodestate.hub.sandbox.Finding;
import dev.nodestate.hub.sandbox.Limits;
import java.nio.file.Path;
import java.util.List;

/**
 * A loaded .pym tool: its source, what the checker found, and the outline the host needs to run
 * it (inputs, externals, limits). A tool with error findings is {@code broken} and never runs.
 */
public record PymTool(String name, Path path, String source, String sha256, String docstring,
                      List<InputSpec> inputs, List<ExternalSpec> externals, Limits limits,
                      List<Finding> findings) {

    public boolean broken() {
        return findings.stream().anyMatch(Finding::isError);
    }

    public String status() {
        return broken() ? "broken" : "ok";
    }

    /** One {@code name: T = Input("name", default=...)} declaration. */
    public record InputSpec(String name, String annotation, TypeSpec type, int line, boolean hasDefault,
                            com.fasterxml.jackson.databind.JsonNode defaultValue) {
        public boolean required() {
            return !hasDefault;
        }
    }

    /** One parameter of an external. */
    public record ParamSpec(String name, String annotation, TypeSpec type, boolean hasDefault,
                            com.fasterxml.jackson.databind.JsonNode defaultValue) {
    }

    /** One {@code @external def f(...) -> R: ...} declaration. */
    public record ExternalSpec(String name, int line, boolean isAsync, List<ParamSpec> params, String returns,
                               TypeSpec returnType) {
        public String signature() {
            StringBuilder b = new StringBuilder(isAsync ? "async " : "").append(name).append('(');
            for (int i = 0; i < params.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(params.get(i).name()).append(": ").append(params.get(i).annotation());
            }
            return b.append(") -> ").append(returns).toString();
        }
    }
}
