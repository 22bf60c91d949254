package dev.nodestate.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.index.Indexer;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.refs.CrossFileAnalysis;
import dev.nodestate.hub.sandbox.PythonRuntime;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cross-file analysis on the large benchmark trees (the python3 standard library, commons-lang3's
 * sources): the cold run (find_callees over every file, the reference index, find_tests), then the
 * cost of a single-file change — a function added to one file, calling another of the file — as
 * the watch pipeline pays it: re-extraction, find_callees on that file, re-resolution and writes
 * (and find_tests for the nodes whose callers changed). The baseline is the cold run in the same
 * process: what a rescan of the repository per change would cost.
 *
 * <pre>bench/refs.sh [--only python|java] [--edits N] [--lanes N] [--python-src DIR] [--java-src DIR] [--json]</pre>
 */
public final class CrossFileBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static void main(String[] args) throws Exception {
        String only = "";
        int edits = 5;
        int lanes = PythonRuntime.defaultLanes();
        Path pythonSrc = null;
        Path javaSrc = Path.of("target/reference/commons-lang3");
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--only" -> only = args[++i];
                case "--edits" -> edits = Integer.parseInt(args[++i]);
                case "--lanes" -> lanes = Integer.parseInt(args[++i]);
                case "--python-src" -> pythonSrc = Path.of(args[++i]);
                case "--java-src" -> javaSrc = Path.of(args[++i]);
                case "--json" -> json = true;
                case "-h", "--help" -> {
                    System.out.println("bench/refs.sh [--only python|java] [--edits N] [--lanes N] [--python-src DIR] [--java-src DIR] [--json]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
            }
        }
        ObjectNode doc = JSON.createObjectNode();
        Path work = Files.createTempDirectory("hub-refs-bench-");
        try (PythonRuntime runtime = PythonRuntime.start(lanes).awaitReady()) {
            say("cross-file benchmark — GraalPy compiler mode %s, lanes %d, cpus %d", runtime.compilerMode(),
                    runtime.laneCount(), Runtime.getRuntime().availableProcessors());
            if (!only.equals("java")) {
                Path src = pythonSrc != null ? pythonSrc : IndexBenchmark.stdlib("python3");
                Path repo = Files.createDirectories(work.resolve("python"));
                int n = IndexBenchmark.copyTree(src, repo, ".py", IndexBenchmark.SKIPPED_PYTHON_DIRS);
                say("%npython tree: %d files from %s", n, src);
                doc.set("python", tree(runtime, repo, "textwrap.py", edits, lanes, true));
            }
            if (!only.equals("python")) {
                Path repo = Files.createDirectories(work.resolve("java"));
                int n = IndexBenchmark.copyTree(javaSrc, repo, ".java", Set.of());
                say("%njava tree: %d files from %s", n, javaSrc);
                doc.set("java", tree(runtime, repo, "org/apache/commons/lang3/CharUtils.java", edits, lanes, false));
            }
        } finally {
            IndexBenchmark.deleteTree(work);
        }
        if (json) {
            System.out.println(JSON.writeValueAsString(doc));
        }
    }

    private static ObjectNode tree(PythonRuntime runtime, Path repo, String edited, int edits, int lanes, boolean python)
            throws IOException {
        ObjectNode out = JSON.createObjectNode();
        ToolHost host = new ToolHost(runtime);
        try (NodeStore store = NodeStore.open(repo)) {
            CrossFileAnalysis analysis = new CrossFileAnalysis(store, new MarkdownPages(repo, store));
            Externals externals = HostExternals.standard(repo).with(analysis.externals());
            try (ToolRegistry tools = new ToolRegistry(Path.of("tools"), new PymChecker(runtime, externals))) {
                analysis.bind(tools, host, externals);
                Indexer indexer = new Indexer(repo, store, () -> new Indexer.Tools(tools, host, externals), lanes);
                long t = System.nanoTime();
                Indexer.Summary indexed = indexer.run(1 << 20, p -> { });
                say("indexed %d files, %d nodes in %.1f s", indexed.files(), indexed.nodes(), seconds(t));
                t = System.nanoTime();
                CrossFileAnalysis.Summary cold = analysis.catchUp(List.of(), lanes, line -> { });
                double coldS = seconds(t);
                say("cold cross-file analysis: %.1f s wall (find_callees + index + writes %.1f s, find_tests %.1f s)", coldS,
                        cold.references().toMillis() / 1000.0, cold.tests().toMillis() / 1000.0);
                say("  %d files, %d callers with %d edges, %d nodes with tests, resolution %s, %d errors",
                        cold.files(), cold.callersWithCallees(), cold.edges(), cold.testedNodes(), cold.resolution(),
                        cold.errors().size());
                out.put("files", cold.files()).put("nodes", indexed.nodes()).put("cold_s", coldS)
                        .put("cold_references_s", cold.references().toMillis() / 1000.0)
                        .put("cold_tests_s", cold.tests().toMillis() / 1000.0).put("edges", cold.edges())
                        .put("tested_nodes", cold.testedNodes()).putPOJO("resolution", cold.resolution());

                Path file = repo.resolve(edited);
                if (!Files.exists(file)) {
                    say("  (no %s in this tree: single-file change not measured)", edited);
                    return out;
                }
                List<Double> totals = new ArrayList<>();
                List<Double> extract = new ArrayList<>();
                List<Double> tool = new ArrayList<>();
                List<Double> apply = new ArrayList<>();
                int written = 0;
                int resolved = 0;
                for (int i = 0; i <= edits; i++) { // the first is a warm-up
                    String text = Files.readString(file);
                    Files.writeString(file, python ? text + probePython(i) : probeJava(text, i));
                    long a = System.nanoTime();
                    indexer.update(List.of(edited), 1 << 20, p -> { }, Indexer.Listener.NONE);
                    long b = System.nanoTime();
                    JsonNode result = host.run(tools.get(CrossFileAnalysis.CALLEES_TOOL),
                            Map.of("file_paths", JSON.valueToTree(List.of(edited))), externals, null).value();
                    long c = System.nanoTime();
                    CrossFileAnalysis.Applied applied = analysis.accept(result.get("references"));
                    long d = System.nanoTime();
                    if (i > 0) {
                        extract.add((b - a) / 1e6);
                        tool.add((c - b) / 1e6);
                        apply.add((d - c) / 1e6);
                        totals.add((d - a) / 1e6);
                        written += applied.nodesWritten();
                        resolved += applied.delta().resolvedFiles().size();
                    }
                }
                double median = median(totals);
                say("single-file change (%s, %d edits): median %.0f ms = re-extraction %.0f + find_callees %.0f + "
                        + "re-resolution, writes, pages and find_tests %.0f; %.1f nodes written and %.1f files re-resolved per change",
                        edited, edits, median, median(extract), median(tool), median(apply), written / (double) edits,
                        resolved / (double) edits);
                say("  a rescan per change (the cold run) would cost %.1f s: %.0fx the incremental update", coldS,
                        coldS * 1000 / median);
                out.put("change_file", edited).put("change_median_ms", median).put("change_extract_ms", median(extract))
                        .put("change_tool_ms", median(tool)).put("change_apply_ms", median(apply))
                        .put("rescan_over_change", coldS * 1000 / median);
            }
        }
        return out;
    }

    private static String probePython(int i) {
        return "\n\ndef _bench_probe_" + i + "(text):\n    return dedent(text)\n";
    }

    private static String probeJava(String text, int i) {
        int end = text.lastIndexOf('}');
        return text.substring(0, end) + "\n    static boolean benchProbe" + i + "(final char ch) {\n        return isAscii(ch);\n    }\n}\n";
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static void say(String format, Object... args) {
        System.err.printf(format + "%n", args);
    }
}
