package dev.nodestate.hub.impact;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * What changing a node's API touches: old and new signature, every call site checked against the new one, the tests
 * to run, where the node is exported, similar nodes that may need the same change. JSON names are snake_case; the
 * page {@code .agentfs/impact/<node path>.md} shows the same.
 *
 * @param change how the old and new signatures differ, one phrase each ("parameter errors removed")
 * @param since  where the old signature comes from: the change hub watch saw, or none recorded (old = new)
 * @param notExported why list_exports leaves the node out when it knows ("CharRange is package-private"), else null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ImpactReport(String nodeId, String previousId, String language, String file, String oldSignature,
                           String newSignature, String oldVisibility, String newVisibility, List<String> change, String since,
                           List<CheckedCall> callSites, int broken, List<String> callers, List<String> callersWithoutCallSite,
                           List<String> tests, List<Export> exports, String notExported, List<Similar> similar, List<String> notes,
                           String builtAt, String builtBy) {

    /** One call site and its check: status ok, broken or unchecked, and why. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CheckedCall(String caller, String file, int line, String text, String status, String reason) {
        public String place() {
            return file + ":" + line;
        }
    }

    /** Where the node is part of a public surface: the file and how (module names, a class's members), per list_exports. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Export(String file, String via, String from) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Similar(String id, double score) {
    }

    /** One line for people: what changed and how many call sites break. */
    public String summary() {
        return nodeId + ": " + (oldSignature == null || oldSignature.equals(newSignature) ? newSignature : oldSignature + " -> " + newSignature)
                + "\n  " + callSites.size() + " call site(s) in " + callers.size() + " caller(s), " + broken + " likely broken; "
                + tests.size() + " test(s) to run; " + (exports.isEmpty() ? exportsNone() : "exported by " + exports.size() + " surface(s)");
    }

    /** "not exported", with list_exports' reason when it gave one. */
    public String exportsNone() {
        return notExported == null ? "not exported" : "not exported: " + notExported;
    }
}
