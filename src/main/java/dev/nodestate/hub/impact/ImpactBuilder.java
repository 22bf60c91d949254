package dev.nodestate.hub.impact;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.diff.Signatures;
import dev.nodestate.hub.impact.CallCheck.Verdict;
import dev.nodestate.hub.impact.CallSites.CallSite;
import dev.nodestate.hub.impact.ImpactReport.CheckedCall;
import dev.nodestate.hub.impact.ImpactReport.Export;
import dev.nodestate.hub.impact.ImpactReport.Similar;
import dev.nodestate.hub.lang.SourceTokens;
import dev.nodestate.hub.store.NodeState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds an {@link ImpactReport} from state the tools keep (the node, its callers' stored spans, related tests, the
 * list_exports and search_similar results) and the API change: call sites are found in the callers' lines on disk and
 * each is checked against the new parameter list.
 */
final class ImpactBuilder {

    /**
     * What the report is built from.
     *
     * @param callers   the calling nodes (stored, with their spans)
     * @param overloads the other functions of the same name in the same owner (Java overloads)
     * @param exports   list_exports' result for the node's file, or null
     * @param similar   search_similar's list ({id, score}), or empty
     */
    record Inputs(NodeState node, ApiChange change, List<NodeState> callers, List<NodeState> overloads, List<String> tests,
                  JsonNode exports, String exportsProblem, List<Map<String, Object>> similar, String builtBy) {
    }

    private final Path root;

    ImpactBuilder(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    ImpactReport build(Inputs in) {
        NodeState node = in.node();
        String language = node.language();
        ApiChange change = in.change();
        Parameters now = Parameters.of(language, change.newSignature());
        Parameters before = Parameters.of(language, change.oldSignature());
        String name = Signatures.simpleName(node.nodeName());
        String shown = shown(change.newSignature());
        CallSites finder = new CallSites(root);
        List<CallSite> sites = finder.find(name, in.callers());
        List<String> notes = new ArrayList<>(finder.problems());
        List<CheckedCall> checked = new ArrayList<>();
        Set<String> withSites = new LinkedHashSet<>();
        for (CallSite site : sites) {
            withSites.add(site.caller());
            Verdict v = check(in, site, now, before, shown);
            checked.add(new CheckedCall(site.caller(), site.file(), site.line(), site.text(),
                    v.status().name().toLowerCase(Locale.ROOT), v.reason()));
        }
        List<String> callers = in.callers().stream().map(c -> c.id().toString()).toList();
        List<String> without = callers.stream().filter(c -> !withSites.contains(c)).toList();
        if (!without.isEmpty()) {
            notes.add(without.size() + " caller(s) resolve to the node but no `" + name + "(` was found in their lines "
                    + "(a call through another name, a reference, or an inherited call)");
        }
        if (in.callers().isEmpty()) {
            notes.add("nothing in the repository calls " + node.id() + " (find_callers): no call site can break");
        }
        if (in.exportsProblem() != null) {
            notes.add("exports unknown: " + in.exportsProblem());
        }
        long broken = checked.stream().filter(c -> c.status().equals("broken")).count();
        return new ImpactReport(node.id().toString(), change.previousId(), language, node.filePath(), change.oldSignature(),
                change.newSignature(), change.oldVisibility(), change.newVisibility(), differences(change, before, now),
                change.since(), List.copyOf(checked), (int) broken, callers, without, List.copyOf(in.tests()),
                exports(in.exports(), node.id().toString()), hidden(in.exports(), node), similar(in.similar()), List.copyOf(notes),
                Instant.now().toString(), in.builtBy());
    }

    private Verdict check(Inputs in, CallSite site, Parameters now, Parameters before, String shown) {
        NodeState node = in.node();
        ApiChange change = in.change();
        if (!SourceTokens.isPython(node.language())) {
            Verdict access = access(change.newVisibility(), node, site);
            if (access != null) {
                return access;
            }
        }
        if (node.nodeType() != NodeState.Type.FUNCTION) {
            return new Verdict(CallCheck.Status.UNCHECKED, "a class: its constructor's calls are checked in its own impact");
        }
        if (SourceTokens.isPython(node.language())) {
            return CallCheck.python(site.arguments(), now, before, bound(node, now, site), shown);
        }
        List<Parameters> overloads = new ArrayList<>();
        List<String> overloadShown = new ArrayList<>();
        for (NodeState o : in.overloads()) {
            overloads.add(Parameters.of(node.language(), o.signature()));
            overloadShown.add(shown(o.signature()));
        }
        return CallCheck.java(site.arguments(), now, before, overloads, overloadShown, shown);
    }

    /** A Java member made private (or package-private) can no longer be called from outside its class (package). */
    private static Verdict access(String visibility, NodeState node, CallSite site) {
        String dir = parentDir(node.filePath());
        if ("private".equals(visibility) && !site.file().equals(node.filePath())) {
            return new Verdict(CallCheck.Status.BROKEN, "`" + Signatures.simpleName(node.nodeName()) + "` is now private: "
                    + site.file() + " is outside its class");
        }
        if ("package".equals(visibility) && !parentDir(site.file()).equals(dir)) {
            return new Verdict(CallCheck.Status.BROKEN, "`" + Signatures.simpleName(node.nodeName()) + "` is now package-private: "
                    + site.file() + " is in another package");
        }
        return null;
    }

    /** A method called through a receiver ({@code obj.m(}, {@code self.m(}, {@code Cls.m(} for a classmethod) binds its first parameter. */
    private static boolean bound(NodeState node, Parameters now, CallSite site) {
        String first = now.first();
        boolean method = node.nodeName().contains(".") && ("self".equals(first) || "cls".equals(first));
        if (!method) {
            return false;
        }
        String owner = node.nodeName().substring(0, node.nodeName().lastIndexOf('.'));
        owner = owner.substring(owner.lastIndexOf('.') + 1);
        if ("self".equals(first) && owner.equals(site.receiver())) {
            return false; // Owner.method(obj, ...): self passed explicitly
        }
        return site.receiver() != null || "cls".equals(first);
    }

    /** What differs between the parameter lists, one phrase each. */
    private static List<String> differences(ApiChange change, Parameters before, Parameters now) {
        List<String> out = new ArrayList<>();
        if (change.oldSignature() == null || change.oldSignature().equals(change.newSignature())) {
            if (change.oldVisibility() != null && !change.oldVisibility().equals(change.newVisibility())) {
                out.add("visibility " + change.oldVisibility() + " -> " + change.newVisibility());
            }
            return out;
        }
        Set<String> oldNames = new LinkedHashSet<>(before.names());
        Set<String> newNames = new LinkedHashSet<>(now.names());
        for (Parameters.Param p : before.params()) {
            if (!newNames.contains(p.name())) {
                out.add("parameter `" + p.name() + "` removed");
            }
        }
        for (Parameters.Param p : now.params()) {
            Parameters.Param was = before.named(p.name());
            if (!oldNames.contains(p.name())) {
                out.add("parameter `" + p.text() + "` added" + (p.required() ? " (required)" : ""));
            } else if (was != null && !was.text().equals(p.text())) {
                out.add("parameter `" + was.text() + "` -> `" + p.text() + "`");
            }
        }
        List<String> oldOrder = before.names().stream().filter(newNames::contains).toList();
        List<String> newOrder = now.names().stream().filter(oldNames::contains).toList();
        if (!oldOrder.equals(newOrder)) {
            out.add("parameters reordered: " + String.join(", ", oldOrder) + " -> " + String.join(", ", newOrder));
        }
        if (change.oldVisibility() != null && !change.oldVisibility().equals(change.newVisibility())) {
            out.add("visibility " + change.oldVisibility() + " -> " + change.newVisibility());
        }
        if (change.exportChanged()) {
            out.add("export changed");
        }
        if (out.isEmpty()) {
            out.add("signature text changed (types, return type or modifiers); parameters are the same");
        }
        return out;
    }

    /** Where list_exports lists the node: a module's names or a class's members. */
    private static List<Export> exports(JsonNode exports, String id) {
        List<Export> out = new ArrayList<>();
        if (exports == null || !exports.isArray()) {
            return out;
        }
        for (JsonNode file : exports) {
            String path = file.path("file_path").asText();
            String from = file.path("from").asText(null);
            for (JsonNode m : file.path("module")) {
                if (m.asText().equals(id)) {
                    out.add(new Export(path, "module " + path, from));
                }
            }
            file.path("classes").properties().forEach(e -> {
                for (JsonNode m : e.getValue()) {
                    if (m.asText().equals(id)) {
                        out.add(new Export(path, "class " + e.getKey(), from));
                    }
                }
            });
        }
        return out;
    }

    /** Why list_exports leaves out the node or its enclosing type ("CharRange is package-private"), or null. */
    private static String hidden(JsonNode exports, NodeState node) {
        if (exports == null || !exports.isArray()) {
            return null;
        }
        for (String id : java.util.Arrays.asList(node.id().toString(), node.parent())) {
            for (JsonNode file : exports) {
                JsonNode why = id == null ? null : file.path("hidden").get(id);
                if (why != null && why.isTextual()) {
                    return id.substring(id.indexOf("::") + 2) + " is " + why.asText();
                }
            }
        }
        return null;
    }

    private static List<Similar> similar(List<Map<String, Object>> similar) {
        List<Similar> out = new ArrayList<>();
        for (Map<String, Object> s : similar) {
            Object id = s.get("id");
            Object score = s.get("score");
            if (id != null) {
                out.add(new Similar(id.toString(), score instanceof Number n ? Math.round(n.doubleValue() * 100) / 100.0 : 0));
            }
        }
        return out;
    }

    /** The signature without {@code def} / modifiers before the name: {@code want_bytes(s, encoding='utf-8')}. */
    static String shown(String signature) {
        if (signature == null) {
            return "?";
        }
        int open = signature.indexOf('(');
        if (open < 0) {
            return signature;
        }
        int start = open;
        while (start > 0 && Character.isJavaIdentifierPart(signature.charAt(start - 1))) {
            start--;
        }
        int close = Arguments.closing(signature, open);
        return signature.substring(start, close < 0 ? signature.length() : close + 1);
    }

    private static String parentDir(String file) {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? "" : file.substring(0, slash);
    }
}
