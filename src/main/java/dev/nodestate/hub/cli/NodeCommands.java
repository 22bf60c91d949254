package dev.nodestate.hub.cli;

import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.store.NodeLookup;
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

    /** See {@link NodeLookup#resolve(NodeStore, String)}. */
    static NodeState resolve(NodeStore store, String query) {
        return NodeLookup.resolve(store, query);
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
            try (NodeStore store = NodeStore.openReadOnly(RepoRoot.of(repo))) {
                NodeState n = resolve(store, node);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(Json.pretty(Json.MAPPER.readTree(n.toJson())));
                } else {
                    out.print(dev.nodestate.hub.repl.Render.node(n));
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
            var matches = NodeLookup.pattern(pattern);
            List<NodeState> found = new ArrayList<>();
            try (NodeStore store = NodeStore.openReadOnly(RepoRoot.of(repo))) {
                for (String id : store.ids()) {
                    if (matches.test(id)) {
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
