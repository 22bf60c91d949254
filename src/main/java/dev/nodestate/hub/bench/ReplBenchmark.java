package dev.nodestate.hub.bench;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.index.Discovery;
import dev.nodestate.hub.index.Indexer;
import dev.nodestate.hub.repl.ReplCommands;
import dev.nodestate.hub.sandbox.PythonRuntime;
import dev.nodestate.hub.serve.HubServer;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * REPL query latency (not a test): {@code show}, {@code callers} and {@code find} run through
 * {@link ReplCommands} (the REPL's own code path, text rendering included) on the large benchmark tree,
 * the python3 standard library as IndexBenchmark copies it. Three ways the REPL can be connected: over
 * the socket of a running in-process hub, on the store read-only while another process (here: the
 * benchmark's hub) holds it, and on the store read-write when no hub runs. Per command it prints
 * p50, p95 and max over N queries of random nodes (seeded): {@code show} by abbreviated id (the
 * qualified name, which is sometimes ambiguous and then answered with the candidates) and by full id,
 * {@code callers} by full id, {@code find} by a name taken from a random node. Target: p95 under 50 ms.
 *   bench/repl.sh [--queries N] [--repo DIR (an indexed tree; default: copy and index the stdlib)] [--keep]
 */
public final class ReplBenchmark {

    static final double TARGET_P95_MS = 50;

    public static void main(String[] args) throws Exception {
        int queries = 500;
        Path repo = null;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--repo" -> repo = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--keep" -> keep = true;
                case "-h", "--help" -> {
                    System.out.println("usage: bench/repl.sh [--queries N] [--repo INDEXED_DIR] [--keep]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; --help lists them");
            }
        }
        boolean made = repo == null;
        if (made) {
            repo = Files.createTempDirectory("hub-repl-bench-");
            int copied = IndexBenchmark.copyTree(IndexBenchmark.stdlib("python3"), repo, ".py", IndexBenchmark.SKIPPED_PYTHON_DIRS);
            System.err.printf("repl benchmark: indexing %d stdlib files into %s (a minute or two)...%n", copied, repo);
            index(repo);
        }
        boolean ok;
        try {
            ok = new ReplBenchmark(repo, queries).run();
        } finally {
            if (made && !keep) {
                IndexBenchmark.deleteTree(repo);
            } else if (made) {
                System.err.println("kept " + repo + " (pass --repo " + repo + " to skip indexing next time)");
            }
        }
        System.exit(ok ? 0 : 1);
    }

    private final Path repo;
    private final int queries;

    private ReplBenchmark(Path repo, int queries) {
        this.repo = repo;
        this.queries = queries;
    }

    private boolean run() throws Exception {
        ReplCommands.Settings settings = new ReplCommands.Settings(repo, Path.of(System.getProperty("hub.home", "."), "tools"),
                Path.of(System.getProperty("hub.home", "."), "rules"), false);
        Map<String, double[]> results = new LinkedHashMap<>();
        List<String> ids;
        try (NodeStore store = NodeStore.open(repo);
             HubServer server = HubServer.start(repo, store, HubServer.Probe.NONE, f -> { }, HubServer.Options.DEFAULT,
                     System.err::println)) {
            ids = store.ids();
            System.out.printf(Locale.ROOT, "repl benchmark: %s, %d nodes in %d files, %d queries per command%n", repo, ids.size(),
                    store.stats().files(), queries);
            try (ReplCommands socket = ReplCommands.open(settings, false, null)) {
                measure("socket (hub running)", socket, ids, results);
            }
            server.close();
            try (ReplCommands readOnly = ReplCommands.open(settings, true, null)) {
                measure("store, read-only (held by another process)", readOnly, ids, results);
            }
        }
        try (ReplCommands own = ReplCommands.open(settings, true, null)) {
            measure("store, read-write (no hub running)", own, ids, results);
        }
        boolean met = results.values().stream().allMatch(p -> p[1] < TARGET_P95_MS);
        System.out.printf(Locale.ROOT, "target p95 < %.0f ms for show, callers and find: %s%n", TARGET_P95_MS, met ? "met" : "NOT met");
        return met;
    }

    private void measure(String label, ReplCommands commands, List<String> ids, Map<String, double[]> results) {
        System.out.printf(Locale.ROOT, "%n%s — %s%n", label, commands.mode());
        Random random = new Random(7);
        List<String> showShort = new ArrayList<>();
        List<String> showFull = new ArrayList<>();
        List<String> callers = new ArrayList<>();
        List<String> find = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            String id = ids.get(random.nextInt(ids.size()));
            int at = id.indexOf("::");
            showShort.add("show " + (at < 0 ? id : id.substring(at + 2)));
            showFull.add("show " + id);
            callers.add("callers " + id);
            String name = at < 0 ? id.substring(id.lastIndexOf('/') + 1) : id.substring(id.lastIndexOf('.', id.length() - 1) + 1);
            find.add("find " + name.replace("(", "").replace(")", ""));
        }
        run(commands, showFull.subList(0, Math.min(100, queries))); // warm-up
        run(commands, find.subList(0, Math.min(100, queries)));
        Map<String, List<String>> sets = new LinkedHashMap<>();
        sets.put("show (abbreviated id)", showShort);
        sets.put("show (full id)", showFull);
        sets.put("callers (full id)", callers);
        sets.put("find (a name)", find);
        for (var e : sets.entrySet()) {
            double[] ms = run(commands, e.getValue());
            Arrays.sort(ms);
            double[] p = {ms[ms.length / 2], ms[(int) Math.min(ms.length - 1, Math.ceil(ms.length * 0.95) - 1)], ms[ms.length - 1]};
            results.put(label + " / " + e.getKey(), p);
            System.out.printf(Locale.ROOT, "  %-24s p50 %6.2f ms   p95 %6.2f ms   max %7.2f ms%n", e.getKey(), p[0], p[1], p[2]);
        }
    }

    /** Runs each line; errors (an ambiguous abbreviation, a name found nowhere) are answers too. */
    private static double[] run(ReplCommands commands, List<String> lines) {
        double[] ms = new double[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            long t = System.nanoTime();
            try {
                commands.run(lines.get(i)).text();
            } catch (HubException e) {
                // answered with an error line: part of what is measured
            }
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return ms;
    }

    private static void index(Path repo) throws Exception {
        try (PythonRuntime runtime = PythonRuntime.start(PythonRuntime.defaultLanes()).awaitReady();
             NodeStore store = NodeStore.open(repo)) {
            Externals externals = HostExternals.standard(repo).with(dev.nodestate.hub.refs.CrossFileAnalysis.offlineExternals());
            Path toolsDir = Path.of(System.getProperty("hub.home", "."), "tools").toAbsolutePath();
            try (ToolRegistry tools = new ToolRegistry(toolsDir, new PymChecker(runtime, externals))) {
                ToolHost host = new ToolHost(runtime);
                long t = System.nanoTime();
                Indexer.Summary s = new Indexer(repo, store, () -> new Indexer.Tools(tools, host, externals), runtime.laneCount())
                        .run(Discovery.DEFAULT_MAX_BYTES, p -> { });
                System.err.printf(Locale.ROOT, "indexed %d files, %d nodes in %.0f s%n", s.files(), s.nodes(), (System.nanoTime() - t) / 1e9);
            }
        }
    }
}
