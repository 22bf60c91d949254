package dev.nodestate.hub.cli;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.refs.CrossFileAnalysis;
import dev.nodestate.hub.serve.HubServer;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.watch.PidFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hub serve [PATH]}: serve the stored node state on the socket without watching (no Python
 * starts). Freshness is still checked against the files on disk, so edits show as stale; hints are
 * recorded but refresh nothing, since nothing re-extracts. Stops on SIGTERM / Ctrl-C / {@code hub stop}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the stored node state on .agentfs/hub.sock without watching the files (no re-extraction). "
                + "Ctrl-C, SIGTERM or `hub stop` stops it.")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "Repository (default: current directory).")
    Path repo = Path.of("");

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path root = RepoRoot.of(repo);
        if (!Files.isDirectory(root)) {
            throw new HubException(ExitCode.NOT_FOUND, "no such directory: " + root);
        }
        PidFile.refuseIfRunning(root);
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            err.println("hub: stopping");
            err.flush();
            stop.countDown();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hub-shutdown");
        ExitGuard.get().grace(java.time.Duration.ofSeconds(25)); // the daemon stops within 20 s
        Runtime.getRuntime().addShutdownHook(hook);
        try (PidFile pid = PidFile.claim(root);
             NodeStore store = NodeStore.open(root);
             HubServer server = HubServer.start(root, store, HubServer.Probe.NONE, file -> { }, HubServer.Options.DEFAULT,
                     message -> err.println("hub: " + message)).withAnalysis(new CrossFileAnalysis(store, null))) {
            NodeStore.Stats stats = store.stats();
            err.printf("hub: serving %s (%d nodes in %d files, not watching) on %s; Ctrl-C stops%n", root, stats.nodes(),
                    stats.files(), server.socket());
            err.flush();
            stop.await();
        } finally {
            closed.countDown();
        }
        return 0;
    }
}
