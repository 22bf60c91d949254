package dev.nodestate.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.sandbox.GuestResult;
import dev.nodestate.hub.sandbox.PythonRuntime;
import dev.nodestate.hub.sandbox.ToolException;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.PymTool;
import dev.nodestate.hub.tool.ToolHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Prints figures for the tool host (not a test): time from JVM start to the first tool result,
 * warm overhead of a trivial tool, warm extraction of a ~500-line stdlib file with
 * {@code bench/seed/extract_signatures.pym} next to the same tool code run by CPython, and throughput
 * with one thread against one per lane. Run it with the launcher's JVM flags: {@code bench/tool-host.sh}.
 *
 * <p>Options: {@code --json} (one JSON document on stdout, the human lines on stderr),
 * {@code --lanes N}, {@code --trivial-warmup N}, {@code --trivial-calls N}, {@code --extract-warmup N},
 * {@code --extract-calls N}, {@code --throughput-seconds S}, {@code --module NAME} (the stdlib module
 * whose file is extracted), {@code --python CMD}, {@code --tools DIR}.
 */
public final class ToolHostBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Options opt;
    private final PrintStream out;
    private final ObjectNode doc = JSON.createObjectNode();

    private ToolHostBenchmark(Options opt) {
        this.opt = opt;
        this.out = opt.json ? System.err : System.out;
    }

    public static void main(String[] args) throws Exception {
        Options opt;
        try {
            opt = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("tool-host benchmark: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (opt.help) {
            System.out.println(Options.USAGE);
            return;
        }
        new ToolHostBenchmark(opt).run();
        System.exit(0); // lanes and the watchdog are daemon threads, but the polyglot engine may keep others
    }

    private void run() throws Exception {
        long mainAt = uptimeMillis();
        Path work = Files.createTempDirectory("hub-bench-");
        try {
            PythonRuntime runtime = PythonRuntime.start(opt.lanes).awaitReady();
            long readyAt = uptimeMillis();
            Path repo = Files.createDirectories(work.resolve("repo"));
            Externals externals = HostExternals.standard(repo).with(dev.nodestate.hub.refs.CrossFileAnalysis.offlineExternals());
            PymChecker checker = new PymChecker(runtime, externals);
            ToolHost host = new ToolHost(runtime);

            PymTool trivial = checker.check(Path.of("trivial.pym"), "1 + 1\n");
            long checkedAt = uptimeMillis();
            GuestResult first = host.run(trivial, Map.of(), externals, null);
            long firstAt = uptimeMillis();
            if (first.value().asInt() != 2) {
                throw new IllegalStateException("the trivial tool returned " + first.value());
            }

            header(runtime);
            ObjectNode startup = doc.putObject("startup");
            startup.put("jvm_to_main_ms", mainAt).put("runtime_ready_ms", readyAt)
                    .put("first_check_ms", checkedAt).put("first_result_ms", firstAt);
            say("startup (ms since JVM start): main %d, %d lanes warm %d, first check %d, first tool result %d",
                    mainAt, runtime.laneCount(), readyAt, checkedAt, firstAt);

            trivial(host, trivial, externals);

            Path toolFile = opt.tools.resolve("extract_signatures.pym");
            PymTool extractor = checker.check(toolFile, Files.readString(toolFile));
            if (extractor.broken()) {
                throw new IllegalStateException(toolFile + " has errors: " + extractor.findings());
            }
            Path source = stdlibFile();
            String fileName = source.getFileName().toString();
            Files.copy(source, repo.resolve(fileName));
            long lines;
            try (Stream<String> s = Files.lines(source)) {
                lines = s.count();
            }
            Map<String, JsonNode> inputs = Map.of("file_path", JsonNodeFactory.instance.textNode(fileName));
            JsonNode graalResult = extraction(host, extractor, inputs, externals, source, lines);
            cpython(toolFile, repo, fileName, graalResult);
            throughput(host, trivial, Map.of(), extractor, inputs, externals, runtime.laneCount());
            runtime.close();
        } finally {
            deleteTree(work);
        }
        if (opt.json) {
            System.out.println(JSON.writeValueAsString(doc));
        }
    }

    private void header(PythonRuntime runtime) {
        String java = System.getProperty("java.vm.name") + " " + Runtime.version();
        String jit = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("--upgrade-module-path")) ? "on" : "off";
        doc.put("java", java).put("compiler_mode", runtime.compilerMode()).put("jit_flags", jit)
                .put("lanes", runtime.laneCount()).put("cpus", Runtime.getRuntime().availableProcessors());
        say("tool host benchmark — %s, GraalPy compiler mode: %s (JIT flags %s), lanes: %d, cpus: %d",
                java, runtime.compilerMode(), jit, runtime.laneCount(), Runtime.getRuntime().availableProcessors());
    }

    // ------------------------------------------------------------------ trivial

    private void trivial(ToolHost host, PymTool tool, Externals externals) {
        Series warm = warmUp("trivial", host, tool, Map.of(), externals, opt.trivialWarmup);
        Series s = measure(host, tool, Map.of(), externals, opt.trivialCalls);
        ObjectNode n = doc.putObject("trivial");
        n.put("tool", "1 + 1").put("warmup_calls", opt.trivialWarmup).put("calls", s.count());
        n.put("warmup_median_ms", warm.median()).put("median_ms", s.median()).put("p99_ms", s.percentile(0.99))
                .put("min_ms", s.min()).put("max_ms", s.max())
                .put("guest_median_ms", s.guestMedian()).put("host_side_median_ms", s.median() - s.guestMedian())
                .put("allocated_kb_per_call", s.allocatedPerCall() / 1024.0).put("failures", s.failures);
        say("trivial tool (1 + 1), %d calls after %d warm-up (warm-up median %.3f ms):", s.count(), opt.trivialWarmup, warm.median());
        say("  median %.3f ms, p99 %.3f ms, min %.3f, max %.3f  [target: median <= 2 ms: %s]",
                s.median(), s.percentile(0.99), s.min(), s.max(), s.median() <= 2.0 ? "met" : "NOT met");
        say("  of the median: %.3f ms in the guest call on the lane, %.3f ms host side (inputs, JSON, lane handoff); %.1f KB allocated per call on the lane",
                s.guestMedian(), s.median() - s.guestMedian(), s.allocatedPerCall() / 1024.0);
        failures(s);
    }

    // ------------------------------------------------------------------ extraction

    private JsonNode extraction(ToolHost host, PymTool tool, Map<String, JsonNode> inputs, Externals externals,
                                Path source, long lines) {
        long t = System.nanoTime();
        Series cold = measure(host, tool, inputs, externals, 1);
        double coldMs = (System.nanoTime() - t) / 1e6;
        Series warm = warmUp("extraction", host, tool, inputs, externals, opt.extractWarmup);
        Series s = measure(host, tool, inputs, externals, opt.extractCalls);
        ObjectNode n = doc.putObject("extraction");
        n.put("tool", "bench/seed/extract_signatures.pym").put("file", source.toString()).put("lines", lines)
                .put("nodes", s.last == null ? -1 : s.last.path("nodes").size())
                .put("tool_limits", tool.limits().toString())
                .put("first_call_ms", coldMs).put("warmup_calls", opt.extractWarmup).put("calls", s.count())
                .put("warmup_median_ms", warm.median()).put("median_ms", s.median()).put("p99_ms", s.percentile(0.99))
                .put("min_ms", s.min()).put("guest_median_ms", s.guestMedian())
                .put("allocated_kb_per_call", s.allocatedPerCall() / 1024.0).put("failures", s.failures + warm.failures + cold.failures);
        say("extraction: bench/seed/extract_signatures.pym on %s (%d lines, %d nodes), limits %s", source, lines,
                n.path("nodes").asInt(), tool.limits());
        say("  first call %.1f ms; warm-up %d calls (median %.1f ms); %d calls: median %.2f ms, p99 %.2f ms, min %.2f ms",
                coldMs, opt.extractWarmup, warm.median(), s.count(), s.median(), s.percentile(0.99), s.min());
        say("  %.1f KB allocated per call on the lane (tool budget %d KB)", s.allocatedPerCall() / 1024.0,
                tool.limits().memoryBytes() >> 10);
        failures(cold);
        failures(warm);
        failures(s);
        return s.last != null ? s.last : warm.last != null ? warm.last : cold.last;
    }

    private void cpython(Path toolFile, Path repo, String fileName, JsonNode graalResult) throws Exception {
        ObjectNode n = doc.putObject("cpython");
        Path script = repo.getParent().resolve("cpython_extract.py");
        try (InputStream in = ToolHostBenchmark.class.getResourceAsStream("cpython_extract.py")) {
            Files.write(script, in.readAllBytes());
        }
        long t = System.nanoTime();
        JsonNode once = python(script, toolFile, repo, fileName, 0, 0);
        double coldMs = (System.nanoTime() - t) / 1e6;
        if (once == null) {
            n.put("available", false);
            say("cpython: '%s' did not run; no comparison", opt.python);
            return;
        }
        JsonNode loop = python(script, toolFile, repo, fileName, opt.extractWarmup, opt.extractCalls);
        double cpy = loop.path("median_ms").asDouble();
        double graal = doc.path("extraction").path("median_ms").asDouble();
        boolean same = graalResult != null && graalResult.equals(loop.path("result"));
        n.put("available", true).put("version", loop.path("python").asText()).put("cold_process_ms", coldMs)
                .put("warmup_calls", opt.extractWarmup).put("calls", loop.path("iterations").asInt())
                .put("median_ms", cpy).put("min_ms", loop.path("min_ms").asDouble())
                .put("ratio_graalpy_to_cpython", graal / cpy).put("same_result", same);
        say("cpython %s, same tool code in-process (fresh scope per call, read_file = open()):", loop.path("python").asText());
        say("  one cold 'python3 script.py' process (start, one extraction, exit): %.1f ms", coldMs);
        say("  warm: %d calls after %d warm-up: median %.2f ms, min %.2f ms", loop.path("iterations").asInt(),
                opt.extractWarmup, cpy, loop.path("min_ms").asDouble());
        say("  ratio GraalPy/CPython (warm medians): %.2f; results identical: %s", graal / cpy, same ? "yes" : "no");
        if (!same && graalResult != null) {
            say("  (first difference: %s)", firstDifference(graalResult, loop.path("result"), "$"));
        }
    }

    private JsonNode python(Path script, Path tool, Path repo, String file, int warmup, int calls) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(opt.python, script.toString(), tool.toString(), repo.toString(), file,
                Integer.toString(warmup), Integer.toString(calls)).redirectErrorStream(false);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return null;
        }
        byte[] stdout = p.getInputStream().readAllBytes();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(opt.python + " failed: " + stderr);
        }
        return JSON.readTree(stdout);
    }

    // ------------------------------------------------------------------ throughput

    private void throughput(ToolHost host, PymTool trivial, Map<String, JsonNode> trivialInputs, PymTool extractor,
                            Map<String, JsonNode> extractInputs, Externals externals, int lanes) throws InterruptedException {
        ArrayNode arr = doc.putArray("throughput");
        int[] threadCounts = lanes > 1 ? new int[] {1, lanes} : new int[] {1, 2};
        say("throughput (%.1f s each, %d lanes):", opt.throughputSeconds, lanes);
        for (Object[] job : new Object[][] {{"trivial", trivial, trivialInputs}, {"extraction", extractor, extractInputs}}) {
            double single = 0;
            StringBuilder line = new StringBuilder("  " + job[0] + ":");
            for (int threads : threadCounts) {
                @SuppressWarnings("unchecked")
                double rate = rate(host, (PymTool) job[1], (Map<String, JsonNode>) job[2], externals, threads);
                if (threads == 1) {
                    single = rate;
                }
                arr.addObject().put("tool", (String) job[0]).put("threads", threads).put("calls_per_s", rate)
                        .put("speedup", rate / single);
                line.append(String.format(Locale.ROOT, "  %d thread%s %.1f calls/s%s", threads, threads == 1 ? "" : "s",
                        rate, threads == 1 ? "" : String.format(Locale.ROOT, " (x%.2f)", rate / single)));
            }
            say("%s", line);
        }
    }

    private double rate(ToolHost host, PymTool tool, Map<String, JsonNode> inputs, Externals externals, int threads)
            throws InterruptedException {
        AtomicLong calls = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().name("bench-" + i).start(() -> {
                while (!stop.get()) {
                    try {
                        host.run(tool, inputs, externals, null);
                        calls.incrementAndGet();
                    } catch (ToolException e) {
                        // counted as not done
                    }
                }
            }));
        }
        Thread.sleep((long) (opt.throughputSeconds * 1000));
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        return calls.get() / ((System.nanoTime() - start) / 1e9);
    }

    // ------------------------------------------------------------------ helpers

    /** Timings of a series of calls, in nanoseconds. */
    private static final class Series {
        final long[] total;
        final long[] guest;
        int n;
        int failures;
        String firstFailure;
        long allocated;
        JsonNode last;

        Series(int capacity) {
            total = new long[capacity];
            guest = new long[capacity];
        }

        int count() {
            return n;
        }

        double median() {
            return percentileOf(total, 0.5);
        }

        double guestMedian() {
            return percentileOf(guest, 0.5);
        }

        double percentile(double p) {
            return percentileOf(total, p);
        }

        double min() {
            return n == 0 ? Double.NaN : Arrays.stream(total, 0, n).min().getAsLong() / 1e6;
        }

        double max() {
            return n == 0 ? Double.NaN : Arrays.stream(total, 0, n).max().getAsLong() / 1e6;
        }

        double allocatedPerCall() {
            return n + failures == 0 ? 0 : (double) allocated / (n + failures);
        }

        private double percentileOf(long[] values, double p) {
            if (n == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            if (p == 0.5 && n % 2 == 0) {
                return (sorted[n / 2 - 1] + sorted[n / 2]) / 2e6;
            }
            int rank = (int) Math.ceil(p * n) - 1;
            return sorted[Math.max(0, Math.min(n - 1, rank))] / 1e6;
        }
    }

    private static Series measure(ToolHost host, PymTool tool, Map<String, JsonNode> inputs, Externals externals, int calls) {
        Series s = new Series(calls);
        long allocatedBefore = laneAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            long t = System.nanoTime();
            try {
                GuestResult r = host.run(tool, inputs, externals, null);
                long elapsed = System.nanoTime() - t;
                s.total[s.n] = elapsed;
                s.guest[s.n] = r.elapsed().toNanos();
                s.n++;
                s.last = r.value();
            } catch (ToolException e) {
                if (s.failures++ == 0) {
                    s.firstFailure = e.error().kind() + ": " + e.error().message();
                }
            }
        }
        s.allocated = laneAllocatedBytes() - allocatedBefore;
        return s;
    }

    /** Warm-up calls; with --trace-warmup, the median of every tenth of them on stderr. */
    private Series warmUp(String what, ToolHost host, PymTool tool, Map<String, JsonNode> inputs, Externals externals, int calls) {
        if (!opt.traceWarmup || calls < 10) {
            return measure(host, tool, inputs, externals, calls);
        }
        Series all = new Series(calls);
        for (int block = 0; block < 10; block++) {
            int size = calls / 10 + (block < calls % 10 ? 1 : 0);
            Series s = measure(host, tool, inputs, externals, size);
            System.err.printf(Locale.ROOT, "  [warm-up %s %d/10: %d calls, median %.3f ms, min %.3f ms]%n",
                    what, block + 1, size, s.median(), s.min());
            System.arraycopy(s.total, 0, all.total, all.n, s.n);
            System.arraycopy(s.guest, 0, all.guest, all.n, s.n);
            all.n += s.n;
            all.failures += s.failures;
            all.firstFailure = all.firstFailure != null ? all.firstFailure : s.firstFailure;
            all.allocated += s.allocated;
            all.last = s.last != null ? s.last : all.last;
        }
        return all;
    }

    /** Bytes allocated so far by all lane threads (their names start with hub-python-). */
    private static long laneAllocatedBytes() {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("hub-python-")) {
                long b = THREADS.getThreadAllocatedBytes(t.threadId());
                sum += Math.max(0, b);
            }
        }
        return sum;
    }

    private void failures(Series s) {
        if (s.failures > 0) {
            say("  !! %d of %d calls failed; first: %s", s.failures, s.failures + s.n, s.firstFailure);
        }
    }

    private Path stdlibFile() throws Exception {
        Process p = new ProcessBuilder(opt.python, "-c", "import " + opt.module + "; print(" + opt.module + ".__file__)")
                .redirectErrorStream(true).start();
        String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || !Files.isRegularFile(Path.of(path))) {
            throw new IllegalStateException("cannot find the file of stdlib module " + opt.module + " with "
                    + opt.python + ": " + path);
        }
        return Path.of(path);
    }

    private static String firstDifference(JsonNode a, JsonNode b, String at) {
        if (a.equals(b)) {
            return null;
        }
        if (a.isObject() && b.isObject()) {
            for (var it = a.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                String d = firstDifference(a.path(f), b.path(f), at + "." + f);
                if (d != null) {
                    return d;
                }
            }
        } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                String d = firstDifference(a.get(i), b.get(i), at + "[" + i + "]");
                if (d != null) {
                    return d;
                }
            }
        }
        return at + ": GraalPy " + abbreviate(a) + " vs CPython " + abbreviate(b);
    }

    private static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static long uptimeMillis() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    private void say(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static final class Options {
        static final String USAGE = """
                usage: bench/tool-host.sh [--json] [--lanes N] [--trivial-warmup N] [--trivial-calls N]
                                          [--extract-warmup N] [--extract-calls N] [--throughput-seconds S]
                                          [--module NAME] [--python CMD] [--tools DIR] [--trace-warmup]""";

        boolean json;
        boolean help;
        boolean traceWarmup;
        int lanes = PythonRuntime.defaultLanes();
        int trivialWarmup = 10000;
        int trivialCalls = 1000;
        int extractWarmup = 200;
        int extractCalls = 200;
        double throughputSeconds = 5;
        String module = "textwrap";
        String python = "python3";
        Path tools = Path.of(System.getProperty("hub.home", "."), "bench", "seed"); // the seed's extractor, unchanged

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--json" -> o.json = true;
                    case "-h", "--help" -> o.help = true;
                    case "--trace-warmup" -> o.traceWarmup = true;
                    case "--lanes" -> o.lanes = positive(a, value(args, ++i, a));
                    case "--trivial-warmup" -> o.trivialWarmup = nonNegative(a, value(args, ++i, a));
                    case "--trivial-calls" -> o.trivialCalls = positive(a, value(args, ++i, a));
                    case "--extract-warmup" -> o.extractWarmup = nonNegative(a, value(args, ++i, a));
                    case "--extract-calls" -> o.extractCalls = positive(a, value(args, ++i, a));
                    case "--throughput-seconds" -> o.throughputSeconds = Double.parseDouble(value(args, ++i, a));
                    case "--module" -> o.module = value(args, ++i, a);
                    case "--python" -> o.python = value(args, ++i, a);
                    case "--tools" -> o.tools = Path.of(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            if (!o.module.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
                throw new IllegalArgumentException("--module takes a module name, got '" + o.module + "'");
            }
            return o;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int positive(String option, String v) {
            int n = nonNegative(option, v);
            if (n == 0) {
                throw new IllegalArgumentException(option + " must be at least 1");
            }
            return n;
        }

        private static int nonNegative(String option, String v) {
            try {
                int n = Integer.parseInt(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a non-negative integer, got '" + v + "'");
            }
        }
    }
}
