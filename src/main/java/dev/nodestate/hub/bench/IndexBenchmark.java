package dev.nodestate.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.index.Discovery;
import dev.nodestate.hub.index.Indexer;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.refs.ColdStart;
import dev.nodestate.hub.refs.CrossFileAnalysis;
import dev.nodestate.hub.sandbox.PythonRuntime;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Prints indexing figures (not a test): the real {@link Indexer} and {@link NodeStore} over a large
 * real Python tree (the python3 standard library, tests and IDLE left out) and a large real Java
 * tree (commons-lang3 sources), each copied to a temporary repository, with the runtime's default
 * lanes: files, nodes, wall and CPU time, files/s, nodes/s, peak RSS; for the Python tree, the same
 * extraction tools run by CPython over the same files in one process; then a second run with nothing
 * changed (hash skip). Run it with the launcher's JVM flags: {@code bench/index.sh}.
 *
 * <p>Options: {@code --json}, {@code --lanes N}, {@code --python-src DIR}, {@code --java-src DIR},
 * {@code --only python|java}, {@code --fresh-runs N} (re-index from an empty store N more times, to see
 * the warmed-up rate), {@code --python CMD}, {@code --tools DIR}, {@code --keep} (keep the temp repos).
 */
public final class IndexBenchmark {

    /** Standard-library directories left out: the test suites, IDLE and turtle demos, installed packages. */
    static final Set<String> SKIPPED_PYTHON_DIRS = Set.of("test", "tests", "idlelib", "turtledemo", "site-packages", "__pycache__");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Options opt;
    private final PrintStream out;
    private final ObjectNode doc = JSON.createObjectNode();

    private IndexBenchmark(Options opt) {
        this.opt = opt;
        this.out = opt.json ? System.err : System.out;
    }

    public static void main(String[] args) throws Exception {
        Options opt;
        try {
            opt = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("index benchmark: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (opt.help) {
            System.out.println(Options.USAGE);
            return;
        }
        new IndexBenchmark(opt).run();
        System.exit(0); // the polyglot engine may keep non-daemon threads
    }

    private void run() throws Exception {
        Path work = Files.createTempDirectory("hub-index-bench-");
        try {
            long t = System.nanoTime();
            PythonRuntime runtime = PythonRuntime.start(opt.lanes).awaitReady();
            double startup = seconds(t);
            String java = System.getProperty("java.vm.name") + " " + Runtime.version();
            String jit = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .anyMatch(a -> a.startsWith("--upgrade-module-path")) ? "on" : "off";
            doc.put("java", java).put("compiler_mode", runtime.compilerMode()).put("jit_flags", jit)
                    .put("lanes", runtime.laneCount()).put("cpus", Runtime.getRuntime().availableProcessors())
                    .put("runtime_start_s", startup).put("batch", batchSize());
            say("index benchmark — %s, GraalPy compiler mode: %s (JIT flags %s), lanes: %d, cpus: %d, files per tool call: %d",
                    java, runtime.compilerMode(), jit, runtime.laneCount(), Runtime.getRuntime().availableProcessors(), batchSize());
            say("runtime started in %.1f s; peak RSS so far %.0f MB", startup, peakRssMb());
            ToolHost host = new ToolHost(runtime);
            if (!opt.only.equals("java")) {
                Path src = opt.pythonSrc != null ? opt.pythonSrc : stdlib(opt.python);
                Path repo = Files.createDirectories(work.resolve("python"));
                int copied = copyTree(src, repo, ".py", SKIPPED_PYTHON_DIRS);
                say("%npython tree: %d .py files from %s (left out: directories named %s)", copied, src,
                        String.join(", ", new java.util.TreeSet<>(SKIPPED_PYTHON_DIRS)));
                ObjectNode n = doc.putObject("python");
                n.put("source", src.toString()).put("files_copied", copied).putPOJO("skipped_dirs", new java.util.TreeSet<>(SKIPPED_PYTHON_DIRS));
                tree(n, runtime, host, repo, true);
            }
            if (!opt.only.equals("python")) {
                Path src = opt.javaSrc;
                if (!Files.isDirectory(src)) {
                    throw new IllegalStateException("no Java sources at " + src + ": run 'mvn generate-test-resources' "
                            + "(it unpacks commons-lang3 sources into target/reference/) or pass --java-src DIR");
                }
                Path repo = Files.createDirectories(work.resolve("java"));
                int copied = copyTree(src, repo, ".java", Set.of());
                say("%njava tree: %d .java files from %s", copied, src);
                ObjectNode n = doc.putObject("java");
                n.put("source", src.toString()).put("files_copied", copied);
                tree(n, runtime, host, repo, false);
            }
            runtime.close();
        } finally {
            if (opt.keep) {
                say("kept %s", work);
            } else {
                deleteTree(work);
            }
        }
        if (opt.json) {
            System.out.println(JSON.writeValueAsString(doc));
        }
    }

    /** First index, CPython baseline (Python only), second index with nothing changed, optional fresh re-runs. */
    private void tree(ObjectNode n, PythonRuntime runtime, ToolHost host, Path repo, boolean python) throws Exception {
        Run first = index(runtime, host, repo, "first run");
        n.set("first", first.json());
        if (python) {
            n.set("cpython", cpython(repo, first));
        }
        Run second = index(runtime, host, repo, "second run, nothing changed");
        n.set("second", second.json());
        ArrayNode fresh = n.putArray("fresh_runs");
        for (int i = 1; i <= opt.freshRuns; i++) {
            deleteTree(repo.resolve(".agentfs"));
            fresh.add(index(runtime, host, repo, "fresh run " + i + " (empty store, warm runtime)").json());
        }
    }

    /** What one indexing run did and cost. */
    private record Run(Indexer.Summary summary, double wallS, double cpuS, double peakRssMb, double crossFileS,
                       CrossFileAnalysis.Summary refs) {
        ObjectNode json() {
            ObjectNode o = JSON.createObjectNode();
            o.put("files", summary.files()).put("indexed", summary.indexed()).put("unchanged", summary.unchanged())
                    .put("nodes", summary.nodes()).put("errors", summary.errors().size()).put("skipped", summary.skipped())
                    .put("pages_written", summary.pagesWritten()).put("wall_s", wallS)
                    .put("indexer_s", summary.elapsed().toNanos() / 1e9).put("cpu_s", cpuS)
                    .put("files_per_s", summary.indexed() / wallS).put("nodes_per_s", summary.nodes() / wallS)
                    .put("peak_rss_mb", peakRssMb).put("cross_file_s", crossFileS).put("whole_s", wallS + crossFileS);
            if (refs != null) {
                o.put("cross_file_summary", refs.describe());
            }
            o.putPOJO("first_errors", summary.errors().stream().limit(5).toList());
            o.putPOJO("skipped_by", summary.skippedBy());
            return o;
        }
    }

    private Run index(PythonRuntime runtime, ToolHost host, Path repo, String label) throws IOException {
        long cpu = processCpuNanos();
        long t = System.nanoTime();
        Indexer.Summary s;
        int[] nextReport = {10};
        double indexS;
        double crossFileS;
        CrossFileAnalysis.Summary refs;
        try (NodeStore store = NodeStore.open(repo)) {
            // as `hub index`: the extraction (with find_callees on the same outlines), then the cross-file analysis
            CrossFileAnalysis analysis = new CrossFileAnalysis(store, new MarkdownPages(repo, store));
            Externals externals = HostExternals.standard(repo).with(analysis.externals());
            try (ToolRegistry tools = new ToolRegistry(opt.tools, new PymChecker(runtime, externals))) {
                analysis.bind(tools, host, externals);
                ColdStart cold = new ColdStart();
                s = new Indexer(repo, store, () -> new Indexer.Tools(tools, host, externals), runtime.laneCount())
                        .run(Discovery.DEFAULT_MAX_BYTES, p -> {
                    if (p.total() >= 50 && p.done() * 100 >= (long) nextReport[0] * p.total()) {
                        synchronized (nextReport) {
                            if (p.done() * 100 >= (long) nextReport[0] * p.total()) {
                                System.err.printf(Locale.ROOT, "  [%s: %d%% (%d/%d files) at %.1f s]%n", label, nextReport[0],
                                        p.done(), p.total(), seconds(t));
                                nextReport[0] += 10;
                            }
                        }
                    }
                }, cold);
                indexS = seconds(t);
                long r = System.nanoTime();
                refs = analysis.catchUp(cold, runtime.laneCount(), null);
                crossFileS = seconds(r);
            }
        }
        Run r = new Run(s, indexS, (processCpuNanos() - cpu) / 1e9, peakRssMb(), crossFileS, refs);
        say("  %s: %d files (%d extracted, %d unchanged), %d nodes, %d errors, %d pages written", label, s.files(),
                s.indexed(), s.unchanged(), s.nodes(), s.errors().size(), s.pagesWritten());
        say("    wall %.2f s (Indexer.run %.2f s, the rest opening the store and checking the tools; CPU %.1f s), "
                        + "%.1f files/s, %.0f nodes/s; peak RSS %.0f MB", r.wallS(), s.elapsed().toNanos() / 1e9, r.cpuS(),
                s.indexed() / r.wallS(), s.nodes() / r.wallS(), r.peakRssMb());
        say("    cross-file analysis (callers, callees, tests) %.2f s%s; whole index %.2f s", crossFileS,
                refs == null ? "" : " (" + refs.describe() + ")", indexS + crossFileS);
        if (!s.errors().isEmpty()) {
            say("    first errors: %s", s.errors().stream().limit(3).toList());
        }
        if (s.skipped() > 0) {
            say("    skipped by discovery: %s, e.g. %s", s.skippedBy(), s.skippedExamples());
        }
        return r;
    }

    /** The same tools' code in CPython over the same files, one process, batch by batch. */
    private ObjectNode cpython(Path repo, Run graal) throws Exception {
        ObjectNode n = JSON.createObjectNode();
        Path script = repo.getParent().resolve("cpython_index.py");
        try (InputStream in = IndexBenchmark.class.getResourceAsStream("cpython_index.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> files = new ArrayList<>();
        for (Discovery.Source s : new Discovery(repo, Discovery.DEFAULT_MAX_BYTES).scan().sources()) {
            files.add(s.path()); // exactly the files the indexer extracted
        }
        Path astTools = astTools(repo.getParent().resolve("ast_tools"));
        Path list = repo.getParent().resolve("python-files.json");
        JSON.writeValue(list.toFile(), files);
        long t = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(opt.python, script.toString(), astTools.toString(), repo.toString(), list.toString(),
                    Integer.toString(batchSize())).start();
        } catch (IOException e) {
            say("  cpython: '%s' did not start (%s); no comparison", opt.python, e.getMessage());
            return n.put("available", false);
        }
        byte[] stdout = p.getInputStream().readAllBytes();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(opt.python + " failed: " + stderr);
        }
        double processS = seconds(t);
        JsonNode r = JSON.readTree(stdout);
        double total = r.path("total_s").asDouble();
        double whole = r.path("whole_s").asDouble();
        double extractionRatio = graal.wallS() / total;
        double wholeRatio = (graal.wallS() + graal.crossFileS()) / whole;
        double wholeToExtraction = (graal.wallS() + graal.crossFileS()) / total;
        n.setAll((ObjectNode) r);
        n.put("available", true).put("process_wall_s", processS)
                .put("ratio_extraction", extractionRatio)
                .put("ratio_whole", wholeRatio)
                .put("ratio_whole_to_cpython_extraction", wholeToExtraction)
                .put("ratio_cpu_extraction", graal.cpuS() / r.path("cpu_s").asDouble())
                .put("same_node_count", r.path("nodes").asInt() == graal.summary().nodes());
        say("  cpython %s, the same tools on `ast` (tools as they were before the outline) over the same %d files, one "
                + "process, batches of %d:", r.path("python").asText(), r.path("files").asInt(), batchSize());
        say("    extraction %.2f s (extract_signatures %.2f s + compute_complexity %.2f s), find_callees %.2f s, together "
                        + "%.2f s (CPU %.1f s; process with startup %.2f s), %d nodes (%s), %d errors, peak RSS %.0f MB",
                total, r.path("extract_s").asDouble(), r.path("complexity_s").asDouble(), r.path("callees_s").asDouble(),
                whole, r.path("cpu_s").asDouble(), processS, r.path("nodes").asInt(),
                r.path("nodes").asInt() == graal.summary().nodes() ? "same as the index" : "index has " + graal.summary().nodes(),
                r.path("error_count").asInt(), r.path("peak_rss_mb").asDouble());
        say("    ratio extraction (hub wall %.2f s: store opened, tools checked, outline, tools, hashing, Xodus, pages / CPython extraction): %.2f "
                + "(target <= 1.2)", graal.wallS(), extractionRatio);
        say("    ratio whole index (hub %.2f s with the cross-file analysis / CPython extraction + find_callees): %.2f "
                + "(target <= 2.0); / CPython extraction alone: %.2f", graal.wallS() + graal.crossFileS(), wholeRatio, wholeToExtraction);
        say("    peak RSS of the hub process %.0f MB (CPython %.0f MB)", graal.peakRssMb(), r.path("peak_rss_mb").asDouble());
        return n;
    }

    /** The CPython baseline's tools, the shipped ones as they were on {@code ast}, written to {@code dir}. */
    static Path astTools(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String tool : List.of("extract_signatures", "compute_complexity", "find_callees")) {
            try (InputStream in = IndexBenchmark.class.getResourceAsStream("ast_tools/" + tool + ".pym")) {
                Files.write(dir.resolve(tool + ".pym"), in.readAllBytes());
            }
        }
        return dir;
    }

    private static int batchSize() {
        return Indexer.batchSize();
    }

    // ------------------------------------------------------------------ helpers

    /** Copies the files ending in {@code suffix} under {@code from} to {@code to}, leaving out the named directories. */
    static int copyTree(Path from, Path to, String suffix, Set<String> skippedDirs) throws IOException {
        int n = 0;
        List<Path> files;
        try (Stream<Path> s = Files.walk(from)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p))
                    .filter(p -> {
                        for (Path part : from.relativize(p).getParent() == null ? List.<Path>of() : from.relativize(p).getParent()) {
                            if (skippedDirs.contains(part.toString())) {
                                return false;
                            }
                        }
                        return true;
                    }).sorted().toList();
        }
        for (Path f : files) {
            Path target = to.resolve(from.relativize(f).toString());
            Files.createDirectories(target.getParent());
            Files.copy(f, target);
            n++;
        }
        return n;
    }

    /** The directory of the standard library of the Python that {@code python} runs. */
    static Path stdlib(String python) throws Exception {
        Process p = new ProcessBuilder(python, "-c", "import json, os; print(os.path.dirname(os.path.dirname(json.__file__)))")
                .redirectErrorStream(true).start();
        String dir = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || !Files.isDirectory(Path.of(dir))) {
            throw new IllegalStateException("cannot find the standard library with " + python + ": " + dir);
        }
        return Path.of(dir);
    }

    /** The process's peak resident set (VmHWM in /proc/self/status), in MB; -1 where there is no /proc. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void say(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static final class Options {
        static final String USAGE = """
                usage: bench/index.sh [--json] [--lanes N] [--python-src DIR] [--java-src DIR] [--only python|java]
                                      [--fresh-runs N] [--python CMD] [--tools DIR] [--keep]""";

        boolean json;
        boolean help;
        boolean keep;
        int lanes = PythonRuntime.defaultLanes();
        int freshRuns;
        String only = "both";
        Path pythonSrc;
        Path javaSrc = Path.of(System.getProperty("hub.home", "."), "target", "reference", "commons-lang3");
        String python = "python3";
        Path tools = Path.of(System.getProperty("hub.home", "."), "tools");

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--json" -> o.json = true;
                    case "-h", "--help" -> o.help = true;
                    case "--keep" -> o.keep = true;
                    case "--lanes" -> o.lanes = number(a, value(args, ++i, a), 1);
                    case "--fresh-runs" -> o.freshRuns = number(a, value(args, ++i, a), 0);
                    case "--python-src" -> o.pythonSrc = Path.of(value(args, ++i, a));
                    case "--java-src" -> o.javaSrc = Path.of(value(args, ++i, a));
                    case "--python" -> o.python = value(args, ++i, a);
                    case "--tools" -> o.tools = Path.of(value(args, ++i, a));
                    case "--only" -> {
                        o.only = value(args, ++i, a);
                        if (!o.only.equals("python") && !o.only.equals("java")) {
                            throw new IllegalArgumentException("--only takes python or java, got '" + o.only + "'");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            o.tools = o.tools.toAbsolutePath();
            return o;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int number(String option, String v, int min) {
            try {
                int n = Integer.parseInt(v);
                if (n < min) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes an integer of at least " + min + ", got '" + v + "'");
            }
        }
    }
}
