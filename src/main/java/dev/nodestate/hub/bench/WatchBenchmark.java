package dev.nodestate.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.index.Discovery;
import dev.nodestate.hub.sandbox.PythonRuntime;
import dev.nodestate.hub.triage.DeterministicTriage;
import dev.nodestate.hub.watch.WatchDaemon;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watch-mode latency, with the real daemon (watcher, debouncer, pipeline, scheduler) in this process:
 * <ol>
 * <li>save → updated page: a real ~500-line file (python3's textwrap.py) is edited N times (a new
 * default parameter in one function each time); the time from the write returning to the node's page
 * showing the new signature (checked on every inotify event of the page's directory);
 * <li>a 2,000-file burst (a branch switch) written at once: time until every file is indexed, and in
 * how many batches;
 * <li>the baseline: CPython running the same two tools' code on the same file, per call, in one process.
 * </ol>
 * Usage: {@code bench/watch.sh [--edits N] [--burst N] [--quiet-ms MS]}.
 */
public final class WatchBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int edits = 100;
        int burst = 2000;
        long quiet = 10; // hub watch's default
        Path triage = null;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--edits" -> edits = Integer.parseInt(args[++i]);
                case "--burst" -> burst = Integer.parseInt(args[++i]);
                case "--quiet-ms" -> quiet = Long.parseLong(args[++i]);
                case "--triage" -> triage = Path.of(args[++i]).toAbsolutePath();
                case "--keep" -> keep = true;
                case "--help" -> {
                    System.out.println("bench/watch.sh [--edits N (100)] [--burst N (2000; 0 skips it)] [--quiet-ms MS (10, as hub watch)]"
                            + " [--triage DIR (a triage/ definition; default: the deterministic triage alone)] [--keep (keep the"
                            + " repository and its traces, for hub triage eval)]");
                    return;
                }
                default -> {
                    System.err.println("watch benchmark: unknown option " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        try {
            run(edits, burst, quiet, triage, keep);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1); // the daemon thread would keep the JVM alive
        }
        System.exit(0); // the polyglot engine may keep non-daemon threads
    }

    private static void run(int edits, int burstFiles, long quiet, Path triage, boolean keep) throws Exception {
        Path file = Path.of("/usr/lib/python3.11/textwrap.py");
        if (!Files.exists(file)) {
            file = stdlibFile("textwrap.py");
        }
        String original = Files.readString(file);
        Path repo = Files.createTempDirectory("hub-watch-bench-");
        Files.writeString(repo.resolve("textwrap.py"), original);
        Path home = Path.of(System.getProperty("hub.home", "."));
        int lanes = PythonRuntime.defaultLanes();
        PythonRuntime runtime = PythonRuntime.start(lanes).awaitReady();
        WatchDaemon daemon = new WatchDaemon(new WatchDaemon.Options(repo, home.resolve("tools"), home.resolve("rules"), lanes,
                quiet, 2000, Discovery.DEFAULT_MAX_BYTES, DeterministicTriage.DEFAULT_BUDGET, 10_000, triage), runtime,
                new PrintWriter(System.err, true));
        CountDownLatch indexed = new CountDownLatch(1);
        AtomicInteger reextracted = new AtomicInteger();
        AtomicInteger batches = new AtomicInteger();
        AtomicLong lastBatchEnd = new AtomicLong();
        List<Double> batchMillis = Collections.synchronizedList(new ArrayList<>());
        Thread loop = Thread.ofPlatform().name("bench-daemon").start(() -> {
            try {
                daemon.run(p -> { }, s -> indexed.countDown(), b -> {
                    batches.incrementAndGet();
                    reextracted.addAndGet(b.reextracted());
                    lastBatchEnd.set(System.nanoTime());
                    batchMillis.add(b.elapsed().toNanos() / 1e6);
                });
            } catch (Exception e) {
                e.printStackTrace();
            }
        });
        if (!indexed.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("cold start did not finish");
        }
        System.out.printf("watch benchmark — %d lanes, debounce %d ms quiet / 2 s max, file %s (%d lines), triage %s%n",
                lanes, quiet, file, original.lines().count(), triage == null ? "deterministic" : triage);

        Path page = repo.resolve(".agentfs/nodes/textwrap.py/dedent.md");
        java.nio.file.WatchService pages = page.getFileSystem().newWatchService();
        page.getParent().register(pages, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE,
                java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY);
        List<Double> latencies = new ArrayList<>();
        double first = -1;
        int warmup = Math.min(5, edits / 10);
        for (int i = 0; i < edits + warmup; i++) {
            String marker = "_edit" + i + "=" + i;
            String edited = original.replace("def dedent(text):", "def dedent(text, " + marker + "):");
            long t = System.nanoTime();
            Files.writeString(repo.resolve("textwrap.py"), edited);
            // wait on inotify for the page's directory rather than polling: a poll loop would take a core from the hub
            while (!pageShows(page, marker)) {
                java.nio.file.WatchKey key = pages.poll(30, TimeUnit.SECONDS);
                if (key == null) {
                    throw new IllegalStateException("edit " + i + " never reached the page " + page);
                }
                key.pollEvents();
                key.reset();
            }
            double ms = (System.nanoTime() - t) / 1e6;
            if (i == 0) {
                first = ms;
            }
            if (i >= warmup) {
                latencies.add(ms);
            }
            Thread.sleep(150); // let the follow-up updates of this edit finish: edits do not overlap
        }
        Collections.sort(latencies);
        List<Double> inPipeline;
        synchronized (batchMillis) {
            inPipeline = new ArrayList<>(batchMillis.subList(Math.min(batchMillis.size(), warmup), batchMillis.size()));
        }
        Collections.sort(inPipeline);
        double p50 = pct(latencies, 50);
        double p99 = pct(latencies, 99);
        System.out.printf("save -> updated page, %d edits (%d warm-up edits not counted): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, "
                + "min %.1f, max %.1f (of which the debounce quiet time: %d ms)%n", latencies.size(), warmup, p50,
                pct(latencies, 90), p99, latencies.getFirst(), latencies.getLast(), quiet);
        System.out.printf("  the first save after the cold start, on its own: %.1f ms%n", first);
        System.out.printf("  inside the pipeline (re-extract, diff, store, pages, rules, triage; %d batches): p50 %.1f ms, p99 %.1f ms%n",
                inPipeline.size(), pct(inPipeline, 50), pct(inPipeline, 99));

        Thread.sleep(1000); // the last edit's follow-up updates
        decisions(repo);
        if (burstFiles > 0) {
            burst(repo, burstFiles, reextracted, batches, lastBatchEnd);
        }
        double cpython = cpythonPerFile(home, repo, 100);
        System.out.printf("baseline: CPython 3 running the two extraction tools on `ast` (as they were before the outline) on textwrap.py: %.1f ms per file (median of 100 "
                + "calls in one process); p50 save->page / CPython re-extraction = %.1f%n", cpython, p50 / cpython);
        daemon.stop(30_000);
        loop.join(30_000);
        runtime.close();
        if (keep) {
            System.out.println("kept the repository and its traces: " + repo + " (hub triage eval --repo " + repo + " [--triage DIR])");
        }
    }

    /** Who decided the session's changes and how long each decision took, from the update trace. */
    private static void decisions(Path repo) throws java.io.IOException {
        Path trace = repo.resolve(".agentfs/traces/updates.jsonl");
        if (!Files.exists(trace)) {
            System.out.println("  triage decisions: no update trace written");
            return;
        }
        List<Double> latency = new ArrayList<>();
        java.util.Map<String, Integer> who = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(trace)) {
            JsonNode decision = JSON.readTree(line).path("decision");
            if (decision.isMissingNode() || decision.isNull()) {
                continue;
            }
            who.merge(decision.path("triage").asText("?"), 1, Integer::sum);
            JsonNode ms = decision.has("latency_ms") ? decision.get("latency_ms") : decision.path("latencyMs");
            if (ms.isNumber()) {
                latency.add(ms.asDouble());
            }
        }
        Collections.sort(latency);
        System.out.printf("  triage decisions in the session: %d, p50 %.1f ms, p99 %.1f ms; decided by %s%n", latency.size(),
                latency.isEmpty() ? 0 : pct(latency, 50), latency.isEmpty() ? 0 : pct(latency, 99), who);
    }

    private static void burst(Path repo, int burstFiles, AtomicInteger reextracted, AtomicInteger batches, AtomicLong lastBatchEnd)
            throws Exception {
        Path burstDir = Files.createDirectories(repo.resolve("burst"));
        int before = reextracted.get();
        int batchesBefore = batches.get();
        long t = System.nanoTime();
        for (int i = 0; i < burstFiles; i++) {
            Files.writeString(burstDir.resolve("m" + i + ".py"), "\"\"\"Module " + i + ".\"\"\"\n\n\ndef f" + i
                    + "(x, y=" + i + "):\n    if x > y:\n        return x - y\n    return y - x\n\n\nclass C" + i
                    + ":\n    def run(self):\n        return f" + i + "(1)\n");
        }
        double written = (System.nanoTime() - t) / 1e9;
        while (reextracted.get() - before < burstFiles) {
            if (System.nanoTime() - t > 30L * 60 * 1_000_000_000L) {
                throw new IllegalStateException("burst not absorbed in 30 minutes: " + (reextracted.get() - before));
            }
            Thread.sleep(20);
        }
        double absorbed = (lastBatchEnd.get() - t) / 1e9;
        System.out.printf("burst of %d files (written in %.2f s): indexed %.1f s after the first write, in %d batch(es); "
                + "%.0f files/s%n", burstFiles, written, absorbed, batches.get() - batchesBefore, burstFiles / absorbed);
    }

    private static boolean pageShows(Path page, String marker) {
        try {
            return Files.readString(page).contains(marker);
        } catch (java.io.IOException e) {
            return false; // not written yet
        }
    }

    private static double pct(List<Double> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** Median per-call time of the CPython stand-in over the same file, {@code calls} times. */
    private static double cpythonPerFile(Path home, Path repo, int calls) throws Exception {
        Path script = repo.resolve("cpython_index.py.txt");
        try (InputStream in = WatchBenchmark.class.getResourceAsStream("cpython_index.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path list = repo.resolve("files.json.txt");
        JSON.writeValue(list.toFile(), Collections.nCopies(calls, "textwrap.py"));
        Path astTools = IndexBenchmark.astTools(repo.resolve(".ast_tools"));
        Process p = new ProcessBuilder("python3", script.toString(), astTools.toString(), repo.toString(),
                list.toString(), "1").start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("python3 failed: " + err);
        }
        JsonNode r = JSON.readTree(out);
        return r.path("total_s").asDouble() * 1000 / calls;
    }

    private static Path stdlibFile(String name) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import textwrap; print(textwrap.__file__)").start();
        String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return Path.of(path);
    }
}
