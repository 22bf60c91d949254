package dev.nodestate.hub.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.index.Discovery;
import dev.nodestate.hub.index.Indexer;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.refs.CrossFileAnalysis;
import dev.nodestate.hub.tool.ToolRegistry;
import java.util.Set;
import dev.nodestate.hub.sandbox.PythonRuntime;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hub index [--once] [PATH]}: index a repository into node state and markdown pages. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Index a repository (Python and Java) into node state under .agentfs/ and markdown pages.")
final class IndexCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "Repository (default: current directory).")
    Path repo = Path.of("");

    @Option(names = "--once", description = "Index once and exit (the default until `hub watch`).")
    boolean once;

    @Option(names = {"-v", "--verbose"}, description = "Show skipped files by reason.")
    boolean verbose;

    @Option(names = "--json", description = "Print the summary as JSON on stdout.")
    boolean json;

    @Option(names = "--max-file-size", paramLabel = "BYTES", description = "Skip larger files, each said on stderr (default: ${DEFAULT-VALUE}; at most " + Discovery.MAX_BYTES_CEILING + ", see README \"Large files\").")
    long maxBytes = Discovery.DEFAULT_MAX_BYTES;

    @Option(names = "--tools", paramLabel = "DIR", description = "Tools directory (default: the hub's tools/).")
    Path toolsDir;

    @Override
    public Integer call() throws IOException {
        Path root = RepoRoot.of(repo);
        if (!Files.isDirectory(root)) {
            throw new HubException(ExitCode.NOT_FOUND, "no such directory: " + root);
        }
        Discovery.checkedMaxBytes(maxBytes);
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err, System.console() != null && System.console().isTerminal() && !json);
        Indexer.Summary s;
        CrossFileAnalysis.Summary refs;
        boolean analysisWanted;
        int lanes = PythonRuntime.defaultLanes();
        try (HubSession session = main.session();
             NodeStore store = NodeStore.open(root)) {
            CrossFileAnalysis analysis = new CrossFileAnalysis(store, new MarkdownPages(root, store));
            Externals externals = HostExternals.standard(root).with(analysis.externals());
            Path tools = toolsDir != null ? toolsDir : HubSession.defaultToolsDir();
            dev.nodestate.hub.refs.ColdStart cold = new dev.nodestate.hub.refs.ColdStart(); // find_callees runs with the extraction
            ToolRegistry[] registry = new ToolRegistry[1];
            java.util.function.Supplier<Indexer.Tools> bound = () -> {
                synchronized (registry) {
                    if (registry[0] == null) {
                        session.runtime(lanes);
                        registry[0] = session.registry(tools, externals);
                        analysis.bind(registry[0], session.host(), externals);
                    }
                    return new Indexer.Tools(registry[0], session.host(), externals);
                }
            };
            s = new Indexer(root, store, bound, lanes).run(maxBytes, progress::update, cold);
            progress.finish();
            Set<String> pending = analysis.pending(cold.changed());
            analysisWanted = !pending.isEmpty();
            if (analysisWanted) {
                bound.get();
                refs = analysis.catchUp(cold, lanes, line -> {
                    if (!json) {
                        err.println(line);
                        err.flush();
                    }
                });
            } else {
                refs = analysis.catchUp(Set.of(), lanes, line -> { });
            }
            if (registry[0] != null) {
                registry[0].close();
            }
        }
        if (json) {
            ObjectNode doc = Json.MAPPER.valueToTree(s);
            doc.remove("elapsed");
            doc.put("elapsed_ms", s.elapsed().toMillis());
            doc.put("root", root.toString());
            if (refs != null) {
                ObjectNode r = Json.MAPPER.valueToTree(refs);
                r.remove("references");
                r.remove("tests");
                r.put("references_ms", refs.references().toMillis());
                r.put("tests_ms", refs.tests().toMillis());
                doc.set("references", r);
            }
            spec.commandLine().getOut().println(Json.pretty(doc));
        } else {
            err.printf("indexed %s: %d files (%d re-extracted, %d failed, %d unchanged, %d removed), %d nodes, %d skipped (%d too large), %d errors, %d pages written, %.1f s%n",
                    root, s.files(), s.indexed(), s.failed().size(), s.unchanged(), s.removed(), s.nodes(), s.skipped(), s.tooLarge().size(),
                    s.errors().size(), s.pagesWritten(), s.elapsed().toMillis() / 1000.0);
            s.tooLarge().forEach(t -> err.println("  " + t.describe()));
            s.errors().forEach(e -> err.println("  error: " + e));
            s.failed().forEach((file, why) -> err.println("  failed: " + file + ": " + why));
            if (refs == null && analysisWanted) {
                err.println("references: tools/find_callees.pym is not installed; callers and callees were not computed");
            } else if (refs != null && refs.files() > 0) {
                err.println(refs.describe());
                refs.errors().forEach(e -> err.println("  error: " + e));
            }
            if (verbose) {
                s.skippedBy().forEach((reason, n) -> err.printf("  skipped %d (%s), e.g. %s%n", n, reason,
                        String.join(", ", s.skippedExamples().getOrDefault(reason, java.util.List.of()))));
            }
        }
        if (!s.failedOtherwise().isEmpty()) {
            // a syntax error is the code's, reported above; a file the hub could not extract is the run's failure
            throw new dev.nodestate.hub.HubException(dev.nodestate.hub.HubException.ExitCode.FAILURE,
                    s.failedOtherwise().size() + " file(s) could not be indexed: " + String.join(", ", s.failedOtherwise().keySet())
                    + "; run `hub index` again (a deleted file is forgotten then)");
        }
        return 0;
    }

    /** A progress bar on a terminal, plain lines otherwise (every 10%). */
    static final class Progress {
        private final PrintWriter err;
        private final boolean terminal;
        private int lastDecile = -1;

        Progress(PrintWriter err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        synchronized void update(Indexer.Progress p) {
            if (terminal) {
                int width = 30;
                int filled = p.total() == 0 ? width : p.done() * width / p.total();
                err.printf("\r[%s%s] %d/%d files", "#".repeat(filled), " ".repeat(width - filled), p.done(), p.total());
                err.flush();
            } else {
                int decile = p.total() == 0 ? 10 : p.done() * 10 / p.total();
                if (decile != lastDecile) {
                    lastDecile = decile;
                    err.printf("indexing: %d/%d files%n", p.done(), p.total());
                }
            }
        }

        void finish() {
            if (terminal) {
                err.println();
            }
        }
    }
}
