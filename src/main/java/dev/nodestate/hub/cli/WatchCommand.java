package dev.nodestate.hub.cli;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.index.Discovery;
import dev.nodestate.hub.sandbox.PythonRuntime;
import dev.nodestate.hub.triage.DeterministicTriage;
import dev.nodestate.hub.update.ChangePipeline;
import dev.nodestate.hub.watch.PidFile;
import dev.nodestate.hub.watch.WatchDaemon;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hub watch [PATH]}: index, then keep node state and pages fresh while files change. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Index the repository, then watch it: every saved change is re-extracted, diffed, run through "
                + "rules/ and triage, and the approved updates run in the sandbox. Ctrl-C or SIGTERM stops cleanly.")
final class WatchCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "Repository (default: current directory).")
    Path repo = Path.of("");

    @Option(names = "--json", description = "Print one JSON line per processed batch on stdout.")
    boolean json;

    @Option(names = "--tools", paramLabel = "DIR", description = "Tools directory (default: the hub's tools/).")
    Path toolsDir;

    @Option(names = "--rules", paramLabel = "DIR", description = "Rules directory (default: PATH/rules if present, else the hub's rules/).")
    Path rulesDir;

    @Option(names = "--triage", paramLabel = "DIR", description = "Triage agent directory (default: PATH/triage if present, else the hub's triage/).")
    Path triageDir;

    @Option(names = "--quiet-ms", paramLabel = "MS", description = "A batch starts after this much quiet (default: ${DEFAULT-VALUE}).")
    long quietMillis = 10;

    @Option(names = "--max-delay-ms", paramLabel = "MS", description = "...or at the latest this long after its first change (default: ${DEFAULT-VALUE}).")
    long maxMillis = 2000;

    @Option(names = "--budget", paramLabel = "N", description = "Updates triage approves per node change (default: ${DEFAULT-VALUE}).")
    int budget = DeterministicTriage.DEFAULT_BUDGET;

    @Option(names = "--queue", paramLabel = "N", description = "Node jobs queued before work collapses per file (default: ${DEFAULT-VALUE}).")
    int queue = 10_000;

    @Option(names = "--max-file-size", paramLabel = "BYTES", description = "Skip larger files, each said on stderr (default: ${DEFAULT-VALUE}; at most " + Discovery.MAX_BYTES_CEILING + ", see README \"Large files\").")
    long maxBytes = Discovery.DEFAULT_MAX_BYTES;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path root = RepoRoot.of(repo);
        if (!Files.isDirectory(root)) {
            throw new HubException(ExitCode.NOT_FOUND, "no such directory: " + root);
        }
        if (quietMillis < 0 || maxMillis < quietMillis || budget < 1 || queue < 1) {
            throw new HubException(ExitCode.USAGE, "need 0 <= --quiet-ms <= --max-delay-ms, --budget >= 1 and --queue >= 1");
        }
        Discovery.checkedMaxBytes(maxBytes);
        dev.nodestate.hub.watch.PidFile.refuseIfRunning(root); // before spending seconds on starting Python
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int lanes = PythonRuntime.defaultLanes();
        Path tools = toolsDir != null ? toolsDir : HubSession.defaultToolsDir();
        Path rules = HubSession.rulesDir(root, rulesDir);
        try (HubSession session = main.session()) {
            WatchDaemon daemon = new WatchDaemon(new WatchDaemon.Options(root, tools, rules, lanes, quietMillis, maxMillis,
                    maxBytes, budget, queue, HubSession.triageDir(root, triageDir)), () -> session.workers(lanes, message -> {
                        err.println("hub: " + message);
                        err.flush();
                    }), err);
            Thread hook = new Thread(() -> {
                err.println("hub: stopping");
                err.flush();
                try {
                    daemon.stop(20_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "hub-shutdown");
            ExitGuard.get().grace(java.time.Duration.ofSeconds(25)); // the daemon stops within 20 s
            Runtime.getRuntime().addShutdownHook(hook);
            IndexCommand.Progress progress = new IndexCommand.Progress(err,
                    System.console() != null && System.console().isTerminal() && !json);
            try {
                daemon.run(progress::update, s -> {
                    progress.finish();
                    err.printf("hub: indexed %d files (%d re-extracted, %d removed), %d nodes, %d errors in %.1f s%n",
                            s.files(), s.indexed(), s.removed(), s.nodes(), s.errors().size(), s.elapsed().toMillis() / 1000.0);
                    s.errors().forEach(e -> err.println("  error: " + e));
                    s.tooLarge().forEach(t -> err.println("hub: " + t.describe()));
                    err.flush();
                    if (json) {
                        out.println(dev.nodestate.hub.trace.TraceLog.line(Map.of("event", "indexed", "files", s.files(),
                                "nodes", s.nodes(), "errors", s.errors(), "elapsed_ms", s.elapsed().toMillis(),
                                "too_large", s.tooLarge())));
                        out.flush();
                    }
                }, batch -> report(batch, out, err));
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down: the hook is running
                }
            }
        }
        return 0;
    }

    private void report(ChangePipeline.BatchResult b, PrintWriter out, PrintWriter err) {
        String kinds = b.changes().isEmpty() ? "no node changed" : b.changes().entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase()).collect(Collectors.joining(", "));
        err.printf("hub: %d file(s): %d re-extracted, %d removed; nodes: %s; %d update(s) queued (%d ms)%n",
                b.files() + b.removedFiles(), b.reextracted(), b.removedFiles(), kinds, b.queued(), b.elapsed().toMillis());
        b.errors().forEach(e -> err.println("  error: " + e));
        b.tooLarge().forEach(t -> err.println("hub: " + t.describe()));
        err.flush();
        if (json) {
            out.println(dev.nodestate.hub.trace.TraceLog.line(Map.of("event", "batch", "paths", b.paths(),
                    "reextracted", b.reextracted(), "removed_files", b.removedFiles(), "changes", b.changes(),
                    "queued", b.queued(), "errors", b.errors(), "elapsed_ms", b.elapsed().toMillis(), "too_large", b.tooLarge())));
            out.flush();
        }
    }
}
