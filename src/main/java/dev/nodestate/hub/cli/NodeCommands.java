package dev.nodestate.hub.cli;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hub show NODE} and {@code hub find PATTERN}: read node state from the store. */
final class NodeCommands {

    private NodeCommands() {
    }

    /**
     * Resolves a node id that may be abbreviated: the exact id, else the unique id ending in it
     * (after '::' or '.'), else the unique id containing it.
     */
    static NodeState resolve(NodeStore store, String query) {
        java.util.Optional<NodeState> exact;
        try {
            exact = store.get(query);
        } catch (IllegalArgumentException notAnId) { // e.g. an absolute path: not an id, maybe a part of one
            exact = java.util.Optional.empty();
        }
        if (exact.isPresent()) {
            return exact.get();
        }
        List<String> ids = store.ids();
        List<String> suffix = ids.stream().filter(id -> id.endsWith("::" + query) || id.endsWith("." + query)
                || id.endsWith("/" + query)).toList();
        List<String> candidates = suffix.isEmpty() ? ids.stream().filter(id -> id.contains(query)).toList() : suffix;
        if (candidates.size() == 1) {
            return store.get(candidates.getFirst()).orElseThrow();
        }
        if (candidates.isEmpty()) {
            throw new HubException(ExitCode.NOT_FOUND, "no node matches '" + query + "'; try `hub find " + query + "`"
                    + (query.startsWith("/") ? " (a repository is chosen with --repo PATH)" : ""));
        }
        throw new HubException(ExitCode.USAGE, "'" + query + "' is ambiguous; candidates:\n  "
                + String.join("\n  ", candidates.stream().limit(20).toList())
                + (candidates.size() > 20 ? "\n  ... and " + (candidates.size() - 20) + " more" : ""));
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one node's state (ids may be abbreviated).")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NODE", description = "Node id, e.g. pkg/mod.py::Class.method, or an unambiguous part.")
        String node;

        @Option(names = "--repo", paramLabel = "PATH", description = "Repository (default: current directory).")
        Path repo = Path.of("");

        @Option(names = "--json", description = "Print the node state as JSON (seed field names).")
        boolean json;

        @Override
        public Integer call() {
            try (NodeStore store = NodeStore.openReadOnly(repo.toAbsolutePath().normalize())) {
                NodeState n = resolve(store, node);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(Json.pretty(Json.MAPPER.readTree(n.toJson())));
                } else {
                    out.printf("%s  (%s, %s, lines %d-%d)%n", n.id(), n.nodeType().name().toLowerCase(Locale.ROOT),
                            n.language(), n.startLine(), n.endLine());
                    if (n.signature() != null) {
                        out.println("  " + n.signature());
                    }
                    if (n.docstring() != null) {
                        out.println("  \"" + n.docstring() + "\"");
                    }
                    if (!n.decorators().isEmpty()) {
                        out.println("  decorators: " + String.join(" ", n.decorators()));
                    }
                    out.printf("  complexity %s, %d lines, type hints %s%n", n.complexity(), n.lineCount(), n.hasTypeHints() ? "yes" : "no");
                    if (!n.imports().isEmpty()) {
                        out.println("  imports: " + String.join("; ", n.imports()));
                    }
                    out.println("  callers: " + (n.callers() == null ? "not computed" : n.callers()));
                    out.println("  callees: " + (n.callees() == null ? "not computed" : n.callees()));
                    out.println("  tests:   " + (n.relatedTests() == null ? "not computed" : n.relatedTests()));
                    out.println("  updated " + n.lastUpdated() + " (" + n.updateSource().name().toLowerCase(Locale.ROOT) + ")");
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return 0;
        }
    }

    @Command(name = "find", mixinStandardHelpOptions = true,
            description = "Find nodes whose id contains PATTERN (case-insensitive; * and ? are wildcards).")
    static final class Find implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PATTERN")
        String pattern;

        @Option(names = "--repo", paramLabel = "PATH", description = "Repository (default: current directory).")
        Path repo = Path.of("");

        @Option(names = "--limit", description = "At most this many results (default: ${DEFAULT-VALUE}).")
        int limit = 50;

        @Option(names = "--json", description = "Print results as JSON.")
        boolean json;

        @Override
        public Integer call() {
            String regex = "(?i).*" + pattern.replace(".", "\\.").replace("*", ".*").replace("?", ".")
                    .replace("(", "\\(").replace(")", "\\)").replace("[", "\\[").replace("]", "\\]") + ".*";
            List<NodeState> found = new ArrayList<>();
            try (NodeStore store = NodeStore.openReadOnly(repo.toAbsolutePath().normalize())) {
                for (String id : store.ids()) {
                    if (id.matches(regex)) {
                        store.get(id).ifPresent(found::add);
                        if (found.size() >= limit) {
                            break;
                        }
                    }
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                var array = Json.MAPPER.createArrayNode();
                for (NodeState n : found) {
                    array.addObject().put("id", n.id().toString()).put("type", n.nodeType().name().toLowerCase(Locale.ROOT))
                            .put("signature", n.signature()).put("file", n.filePath()).put("line", n.startLine());
                }
                out.println(Json.pretty(array));
            } else {
                found.forEach(n -> out.printf("%-60s %s%n", n.id(), n.signature() == null ? "" : n.signature()));
                if (found.isEmpty()) {
                    spec.commandLine().getErr().println("no node matches '" + pattern + "'");
                }
            }
            return found.isEmpty() ? ExitCode.NOT_FOUND.code() : 0;
        }
    }
}
