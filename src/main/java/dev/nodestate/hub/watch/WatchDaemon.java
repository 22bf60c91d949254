package dev.nodestate.hub.watch;

import dev.nodestate.hub.index.Discovery;
import dev.nodestate.hub.index.Indexer;
import dev.nodestate.hub.refs.CrossFileAnalysis;
import dev.nodestate.hub.lang.JavaReferences;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.rules.RulesRegistry;
import dev.nodestate.hub.sandbox.Sandbox;
import dev.nodestate.hub.serve.HubServer;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import dev.nodestate.hub.trace.TraceLog;
import dev.nodestate.hub.update.ChangePipeline;
import dev.nodestate.hub.update.Scheduler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The hub daemon for one repository: claims {@code .agentfs/hub.pid}, opens the store, serves it on the socket and
 * watches the tree, then starts Python, loads tools and rules (both hot-reloaded), indexes cold, and sends each debounced
 * batch through the {@link ChangePipeline} on its own thread while the scheduler runs follow-up
 * updates. {@link #stop} ends the current batch between files (each file's transaction is
 * committed or never started; pages are written atomically), then closes everything in order.
 */
public final class WatchDaemon {

    /** How the daemon runs; see {@code hub watch --help}. {@code triageDir}: the triage agent's definition ({@code triage/}); null: the deterministic triage alone. */
    public record Options(Path repo, Path toolsDir, Path rulesDir, int lanes, long quietMillis, long maxMillis,
                          long maxBytes, int budget, int queueCapacity, Path triageDir) {
    }

    private final Options options;
    private final java.util.function.Supplier<? extends Sandbox> runtime;
    private final PrintWriter err;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Debouncer debouncer;
    private volatile java.time.Instant lastUpdate;
    private volatile Scheduler scheduler;
    private volatile String phase = "starting";
    private volatile boolean toolsLoaded;
    /** Files left out for their size, by path: what `hub status --json` lists as {@code too_large}. */
    private final java.util.Map<String, Discovery.TooLarge> tooLarge = new java.util.concurrent.ConcurrentSkipListMap<>();

    public WatchDaemon(Options options, Sandbox runtime, PrintWriter err) {
        this(options, () -> runtime, err);
    }

    /** {@code runtime} is called once, after the socket serves: starting GraalPy (seconds) no longer delays it. */
    public WatchDaemon(Options options, java.util.function.Supplier<? extends Sandbox> runtime, PrintWriter err) {
        this.options = options;
        this.runtime = runtime;
        this.err = err;
    }

    /**
     * Runs until {@link #stop}; {@code onBatch} gets every processed batch (the CLI prints them). Serve first: the
     * watcher and the socket come up before anything slow (the Python runtime, checking tools, the cold start), so
     * agents get the stored state with its freshness at once, saves wait in the debouncer, and {@code status} says
     * what the hub is doing ({@link #phase}); run_tool waits until the tools are loaded.
     */
    public void run(Consumer<Indexer.Progress> coldProgress, Consumer<Indexer.Summary> onColdStart,
            Consumer<ChangePipeline.BatchResult> onBatch) throws IOException {
        Path root = options.repo().toAbsolutePath().normalize();
        try (PidFile pid = PidFile.claim(root);
             NodeStore store = NodeStore.open(root);
             TraceLog trace = TraceLog.open(root, "updates")) {
            JavaReferences javaRefs = new JavaReferences(root);
            CrossFileAnalysis analysis = new CrossFileAnalysis(store, new MarkdownPages(root, store), javaRefs);
            Debouncer debouncer = new Debouncer(options.quietMillis(), options.maxMillis());
            this.debouncer = debouncer;
            // watch before the cold start: a save during indexing waits in the debouncer instead of being missed
            // (files the cold start already indexed are skipped by their hash when the batch comes)
            try (TreeWatcher watcher = new TreeWatcher(root, new Discovery(root, options.maxBytes()), debouncer);
                 HubServer server = HubServer.start(root, store, probe(), debouncer::add, HubServer.Options.DEFAULT,
                         message -> {
                             err.println("hub: " + message);
                             err.flush();
                         }).withAnalysis(analysis)) {
                err.printf("hub: serving the stored state on %s (pid %d) while the hub starts%n", server.socket(),
                        ProcessHandle.current().pid());
                err.flush();
                phase("starting: warming the Python runtime");
                Sandbox python = runtime.get();
                if (stopping) {
                    return;
                }
                phase("starting: checking tools");
                Externals externals = HostExternals.standard(root, javaRefs).with(analysis.externals());
                ToolHost host = new ToolHost(python);
                try (ToolRegistry tools = new ToolRegistry(options.toolsDir(), new PymChecker(python, externals)).watch();
                     RulesRegistry rules = new RulesRegistry(options.rulesDir(), name -> has(tools, name));
                     dev.nodestate.hub.triage.TriageAgent triage = dev.nodestate.hub.triage.TriageAgent.open(options.triageDir(),
                             options.budget(), name -> has(tools, name), message -> {
                                 err.println("hub: " + message);
                                 err.flush();
                             });
                     Scheduler scheduler = new Scheduler(store, new MarkdownPages(root, store), tools, host, externals,
                             trace, Indexer.EXTRACTION_TOOLS, options.lanes(), options.queueCapacity())) {
                    err.println("hub: triage: " + triage.definition().describe());
                    triage.problems().forEach(p -> err.println("hub: " + p.describe()));
                    triage.watch();
                    tools.onChange(change -> rules.revalidate());
                    rules.onChange(update -> {
                        update.describe().forEach(line -> err.println("hub: " + line));
                        err.flush();
                    });
                    rules.problems().forEach(p -> err.println("hub: " + p.describe()));
                    rules.watch();
                    Indexer indexer = new Indexer(root, store, () -> new Indexer.Tools(tools, host, externals), options.lanes());
                    analysis.bind(tools, host, externals);
                    this.scheduler = scheduler;
                    server.withTools(tools, host, externals, options.toolsDir());
                    server.withRules(rules, store);
                    toolsLoaded = true;
                    if (stopping) {
                        return;
                    }
                    phase("starting: indexing changed files");
                    dev.nodestate.hub.refs.ColdStart cold = new dev.nodestate.hub.refs.ColdStart(() -> stopping);
                    Indexer.Summary coldSummary = indexer.run(options.maxBytes(), coldProgress, cold);
                    coldSummary.tooLarge().forEach(t -> tooLarge.put(t.path(), t));
                    onColdStart.accept(coldSummary);
                    if (stopping) {
                        return;
                    }
                    phase("starting: cross-file analysis");
                    scheduler.withAnalysis(analysis).withTestRecords(new dev.nodestate.hub.testrun.TestRecords(root))
                            .withJobListener(new dev.nodestate.hub.impact.ImpactWatch(root, store));
                    CrossFileAnalysis.Summary refs = analysis.catchUp(cold, options.lanes(), line -> { });
                    if (refs != null && refs.files() > 0) {
                        err.println("hub: " + refs.describe());
                        refs.errors().forEach(e -> err.println("hub:   " + e));
                        err.flush();
                    }
                    lastUpdate = java.time.Instant.now();
                    ChangePipeline pipeline = new ChangePipeline(root, store, indexer,
                            (bundle, node) -> rules.current().evaluate(bundle, node).candidates(),
                            triage, scheduler,
                            options.maxBytes(), () -> stopping).withAnalysis(analysis);
                    phase("watching");
                    err.printf("hub: watching %s (%d directories, pid %d), serving on %s; Ctrl-C stops%n", root,
                            watcher.directories(), ProcessHandle.current().pid(), server.socket());
                    err.flush();
                    loop(debouncer, pipeline, onBatch);
                    debouncer.close();
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    private void phase(String now) {
        phase = now;
    }

    /** What `hub status` reports about the update side. */
    private HubServer.Probe probe() {
        return new HubServer.Probe() {
            @Override
            public int queueDepth() {
                Scheduler s = scheduler;
                return s == null ? 0 : s.depth();
            }

            @Override
            public java.time.Instant lastUpdate() {
                return lastUpdate;
            }

            @Override
            public String phase() {
                return stopping ? "stopping" : phase;
            }

            @Override
            public java.util.Collection<?> tooLarge() {
                return List.copyOf(tooLarge.values());
            }

            @Override
            public boolean starting() {
                return !toolsLoaded && !stopping;
            }
        };
    }

    private void loop(Debouncer debouncer, ChangePipeline pipeline, Consumer<ChangePipeline.BatchResult> onBatch) {
        while (!stopping) {
            Debouncer.Batch batch;
            try {
                batch = debouncer.next();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null || stopping) {
                return;
            }
            try {
                ChangePipeline.BatchResult result = pipeline.process(batch.paths(), batch.rescan());
                lastUpdate = java.time.Instant.now();
                if (batch.rescan()) {
                    tooLarge.clear();
                } else {
                    result.paths().forEach(tooLarge::remove);
                }
                result.tooLarge().forEach(t -> tooLarge.put(t.path(), t));
                onBatch.accept(result);
            } catch (IOException | RuntimeException e) {
                if (stopping) {
                    return;
                }
                err.println("hub: a batch of " + batch.paths().size() + " path(s) failed: " + e.getMessage()
                        + " (the hub goes on; the next change or restart retries these files)");
                err.flush();
            }
        }
    }

    private static boolean has(ToolRegistry tools, String name) {
        return tools.list().stream().anyMatch(t -> t.name().equals(name) && !t.broken());
    }

    /** Asks the daemon to stop and waits (up to {@code millis}) until it has closed the store. */
    public boolean stop(long millis) throws InterruptedException {
        stopping = true;
        Debouncer d = debouncer;
        if (d != null) {
            d.close();
        }
        return stopped.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
