package dev.nodestate.hub.refs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.sandbox.ToolException;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The owner of the hub's cross-file state: the {@link ReferenceIndex} (callers and callees) and the
 * {@link SimilarityIndex}, and the runs of {@code find_callees} and {@code find_tests} that feed
 * the store from them.
 *
 * <p>{@link #analyze} runs {@code find_callees} over files (cold start, catch-up), {@link #accept}
 * takes the tables of any run (the scheduler's too): the index re-resolves what they affect, and
 * the nodes whose {@code callees} or {@code callers} changed are written in one transaction, their
 * pages re-rendered, and {@code find_tests} re-run for the nodes whose callers changed. The index
 * is rebuilt from the stored tables when the hub starts (no tool runs).
 */
public final class CrossFileAnalysis {

    public static final String CALLEES_TOOL = "find_callees";
    public static final String TESTS_TOOL = "find_tests";
    static final int BATCH = 4;
    static final int TEST_BATCH = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a run did, with how the calls resolved. */
    public record Summary(int files, int callersWithCallees, int edges, int testedNodes, int testRuns,
                          Map<String, Integer> resolution, List<String> errors,
                          Duration references, Duration tests) {

        /** One line for people. */
        public String describe() {
            int unresolved = resolution.getOrDefault("unresolved", 0);
            int resolved = resolution.values().stream().mapToInt(Integer::intValue).sum() - unresolved;
            return String.format("references: %d files analysed, %d calls resolved to %d edges (%d unresolved), "
                    + "%d nodes with tests; %.1f s + tests %.1f s%s", files, resolved, edges, unresolved, testedNodes,
                    references.toMillis() / 1000.0, tests.toMillis() / 1000.0,
                    errors.isEmpty() ? "" : ", " + errors.size() + " errors");
        }
    }

    /** What {@link #accept} changed. */
    public record Applied(ReferenceIndex.Delta delta, int nodesWritten, List<String> errors) {
    }

    private record Bound(ToolRegistry tools, ToolHost host, Externals externals) {
    }

    private final NodeStore store;
    private final MarkdownPages pages;
    private final ReferenceIndex index;
    private final SimilarityIndex similar;
    private volatile Bound bound;
    private final dev.nodestate.hub.lang.JavaReferences java;
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    /** Loads the stored reference tables into a new index; {@code pages} may be null (no pages). */
    public CrossFileAnalysis(NodeStore store, MarkdownPages pages) {
        this(store, pages, null);
    }

    /**
     * The same, for a long-lived hub: {@code java} is the symbol solver's view that
     * {@code java_references} answers from, told by {@link #filesChanged} about every change.
     */
    public CrossFileAnalysis(NodeStore store, MarkdownPages pages, dev.nodestate.hub.lang.JavaReferences java) {
        this.java = java;
        this.store = store;
        this.pages = pages;
        this.index = new ReferenceIndex(store::contains);
        this.similar = new SimilarityIndex(store);
        Map<String, JsonNode> tables = new HashMap<>();
        store.referenceTables().forEach((file, json) -> {
            try {
                tables.put(file, JSON.readTree(json));
            } catch (Exception e) {
                System.err.println("hub: the stored references of " + file + " are unreadable (" + e.getMessage()
                        + "); they are rebuilt when the file is analysed again");
            }
        });
        index.apply(tables);
    }

    /** The tools and host the analysis runs ({@code externals} should include {@link #externals()}). */
    public CrossFileAnalysis bind(ToolRegistry tools, ToolHost host, Externals externals) {
        this.bound = new Bound(tools, host, externals);
        return this;
    }

    public ReferenceIndex index() {
        return index;
    }

    /** The {@code k} nodes most similar to {@code id}: {"id", "score"} maps, best first. */
    public List<Map<String, Object>> similar(String id, int k) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SimilarityIndex.Scored s : similar.similar(id, k)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("score", s.score());
            out.add(m);
        }
        return out;
    }

    /** The externals the cross-file tools query. */
    public Externals externals() {
        return AnalysisExternals.of(store, index, similar, generation::get);
    }

    /**
     * The externals' signatures for checking tools where no store is open ({@code hub tools check});
     * calling one says to run the tool against a repository.
     */
    public static Externals offlineExternals() {
        Externals offline = new Externals();
        Externals real = AnalysisExternals.of(null, null, null, () -> 0);
        for (String name : real.names()) {
            offline.add(name, real.signature(name), args -> {
                throw new dev.nodestate.hub.tool.ExternalFunction.ExternalFailure(name
                        + " needs the hub's node store; run the tool on an indexed repository (hub tools run NAME PATH)");
            });
        }
        return offline;
    }

    /** Whether the cross-file tools are installed (analysis is skipped, with a note, when not). */
    public boolean available() {
        Bound b = bound;
        return b != null && b.tools().get(CALLEES_TOOL) != null;
    }

    /**
     * Runs {@code find_callees} over {@code files} on {@code parallelism} lanes, applies the tables,
     * then {@code find_tests} for every function and class of the analysed files and every node
     * whose callers changed.
     */
    public Summary analyze(Collection<String> files, int parallelism, Consumer<String> progress) {
        return analyze(files, Map.of(), parallelism, progress);
    }

    /** The same, taking {@code known} tables (file -> the {@code find_callees} table of its current text) as they are. */
    public Summary analyze(Collection<String> files, Map<String, JsonNode> known, int parallelism, Consumer<String> progress) {
        Bound b = requireBound();
        long start = System.nanoTime();
        List<String> sorted = new ArrayList<>(new TreeSet<>(files));
        List<JsonNode> tables = new ArrayList<>();
        for (String f : sorted) {
            if (known.get(f) != null) {
                tables.add(known.get(f));
            }
        }
        sorted.removeIf(known::containsKey);
        List<String> errors = new ArrayList<>();
        int[] done = {0, 0};
        inBatches(b, CALLEES_TOOL, "file_paths", sorted, BATCH, parallelism, errors, (batch, result) -> {
            result.path("references").forEach(tables::add);
            done[0] += batch.size();
            if (progress != null && (++done[1] % 25 == 0 || done[0] == sorted.size())) {
                progress.accept("references: " + done[0] + "/" + sorted.size() + " files");
            }
        });
        Applied applied = write(tables, errors);
        Duration references = Duration.ofNanos(System.nanoTime() - start);
        long testsStart = System.nanoTime();
        int[] counts = runTests(testTargets(tables, applied), parallelism, errors, progress);
        int edges = 0;
        int callers = 0;
        for (String file : index.files()) {
            for (String caller : index.callersIn(file)) {
                callers++;
                edges += index.calleesOf(caller).size();
            }
        }
        return new Summary(tables.size(), callers, edges, counts[0], counts[1], index.resolutionCounts(), errors,
                references, Duration.ofNanos(System.nanoTime() - testsStart));
    }

    /**
     * After an indexing run: analyses the files it (re-)extracted and every indexed file the
     * reference index does not know yet. Null when {@code find_callees} is not installed.
     */
    public Summary catchUp(Collection<String> changed, int parallelism, Consumer<String> progress) {
        return catchUp(changed, Map.of(), parallelism, progress);
    }

    /** After an indexing run that used {@code cold} as its listener: its files' tables are taken as they are. */
    public Summary catchUp(ColdStart cold, int parallelism, Consumer<String> progress) {
        return catchUp(cold.changed, cold.tables, parallelism, progress);
    }

    private Summary catchUp(Collection<String> changed, Map<String, JsonNode> known, int parallelism, Consumer<String> progress) {
        Set<String> indexed = new java.util.HashSet<>(store.allIndexedFiles());
        List<String> gone = index.files().stream().filter(f -> !indexed.contains(f)).sorted().toList();
        if (!gone.isEmpty()) {
            forget(gone); // deleted while no hub ran: their calls leave the callers they were in
        }
        if (!available()) {
            return null;
        }
        Set<String> files = pending(changed);
        if (files.isEmpty()) {
            return new Summary(0, 0, 0, 0, 0, index.resolutionCounts(), List.of(), Duration.ZERO, Duration.ZERO);
        }
        return analyze(files, known, parallelism, progress);
    }

    /** The changed files plus every indexed file the reference index does not know yet. */
    public Set<String> pending(Collection<String> changed) {
        Set<String> files = new TreeSet<>(changed);
        for (String f : store.allIndexedFiles()) {
            if (!index.knows(f)) {
                files.add(f);
            }
        }
        return files;
    }

    /** Takes {@code find_callees} tables from a tool run: index, store, pages, then tests of the nodes affected. */
    public Applied accept(JsonNode references) {
        List<JsonNode> tables = new ArrayList<>();
        references.forEach(tables::add);
        List<String> errors = new ArrayList<>();
        Applied applied = write(tables, errors);
        if (!applied.delta().reanalyse().isEmpty() && available()) {
            // Java files calling a member name that just appeared: their calls may now solve (one level)
            List<JsonNode> more = new ArrayList<>();
            inBatches(bound, CALLEES_TOOL, "file_paths", List.copyOf(applied.delta().reanalyse()), BATCH, 1, errors,
                    (batch, result) -> result.path("references").forEach(more::add));
            tables.addAll(more);
            applied = merge(applied, write(more, errors));
        }
        runTests(testTargets(tables, applied), 1, errors, null);
        return new Applied(applied.delta(), applied.nodesWritten(), errors);
    }

    /** Whose tests to look for after new tables: every function and class of their files, and every node whose callers changed. */
    private Set<String> testTargets(List<JsonNode> tables, Applied applied) {
        Set<String> ids = new TreeSet<>(applied.delta().callers().keySet());
        for (JsonNode t : tables) {
            store.idsOf(t.path("file_path").asText()).stream().filter(id -> id.contains("::")).forEach(ids::add);
        }
        return ids;
    }

    /** Files created, edited or deleted: the Java symbol solver drops what it cached about them. */
    public void filesChanged(Collection<String> files) {
        if (java != null) {
            files.stream().filter(f -> f.endsWith(".java")).forEach(java::changed);
        }
    }

    private static Applied merge(Applied a, Applied b) {
        Set<String> files = new TreeSet<>(a.delta().resolvedFiles());
        files.addAll(b.delta().resolvedFiles());
        Map<String, List<String>> callees = new TreeMap<>(a.delta().callees());
        callees.putAll(b.delta().callees());
        Map<String, List<String>> callers = new TreeMap<>(a.delta().callers());
        callers.putAll(b.delta().callers());
        List<String> errors = new ArrayList<>(a.errors());
        errors.addAll(b.errors());
        return new Applied(new ReferenceIndex.Delta(files, callees, callers, b.delta().reanalyse()),
                a.nodesWritten() + b.nodesWritten(), errors);
    }

    /** Forgets deleted files: their references, and their nodes in others' callers/callees. */
    public Applied forget(Collection<String> files) {
        Map<String, JsonNode> gone = new LinkedHashMap<>();
        files.forEach(f -> gone.put(f, null));
        return commit(gone, List.of());
    }

    private Applied write(List<JsonNode> tables, List<String> errors) {
        Map<String, JsonNode> byFile = new LinkedHashMap<>();
        for (JsonNode table : tables) {
            String file = table.path("file_path").asText();
            JsonNode error = table.get("error");
            if (error != null && !error.isNull()) {
                errors.add(file + ":" + error.path("line").asInt() + ": " + error.path("message").asText());
                if (index.knows(file)) {
                    continue; // the last good table stays in service
                }
            }
            JsonNode t = table;
            if ("java".equals(t.path("language").asText()) && (error == null || error.isNull())) {
                // Java tables name no definitions (the solver resolved the calls): the file's nodes are its members,
                // so a member added, renamed or removed re-checks the calls into the file
                ObjectNode withDefs = t.deepCopy();
                ObjectNode defs = withDefs.putObject("defs");
                store.idsOf(file).stream().filter(id -> id.contains("::"))
                        .forEach(id -> defs.put(id.substring(id.indexOf("::") + 2), "node"));
                t = withDefs;
            }
            byFile.put(file, t);
        }
        return commit(byFile, errors);
    }

    /** New tables (null: the file is gone) into the index, the similarity index and the store. */
    private Applied commit(Map<String, JsonNode> tables, List<String> errors) {
        ReferenceIndex.Delta delta = index.apply(tables);
        generation.incrementAndGet();
        similar.refresh(tables.keySet());
        Map<String, String> json = new LinkedHashMap<>();
        Set<String> analysed = new java.util.LinkedHashSet<>();
        tables.forEach((file, t) -> {
            json.put(file, t == null ? null : t.toString());
            if (t != null) {
                analysed.add(file);
            }
        });
        int written = store(json, delta, analysed);
        return new Applied(delta, written, errors);
    }

    /** Writes tables and every changed callees/callers list in one transaction, then re-renders pages. */
    private int store(Map<String, String> tables, ReferenceIndex.Delta delta, Set<String> analysedFiles) {
        Instant now = Instant.now();
        Map<String, Map<String, Object>> fields = new TreeMap<>();
        for (String file : analysedFiles) {
            for (String id : store.idsOf(file)) {
                Map<String, Object> f = fields.computeIfAbsent(id, k -> new TreeMap<>());
                f.put("callees", index.calleesOf(id));
                f.put("callers", index.callersOf(id));
            }
        }
        delta.callees().forEach((id, list) -> fields.computeIfAbsent(id, k -> new TreeMap<>()).put("callees", list));
        delta.callers().forEach((id, list) -> fields.computeIfAbsent(id, k -> new TreeMap<>()).put("callers", list));
        Map<String, UnaryOperator<NodeState>> changes = new LinkedHashMap<>();
        fields.forEach((id, values) -> changes.put(id, state -> {
            NodeState next = state.with(values);
            for (String field : values.keySet()) {
                next = next.withMark(field, CALLEES_TOOL, now);
            }
            return next;
        }));
        List<NodeState> updated = store.applyReferences(tables, changes);
        rerender(updated);
        return updated.size();
    }

    /** Runs find_tests over node ids in batches; returns {nodes with tests, runs}. */
    private int[] runTests(Set<String> ids, int parallelism, List<String> errors, Consumer<String> progress) {
        Bound b = bound;
        if (b == null || b.tools().get(TESTS_TOOL) == null || ids.isEmpty()) {
            return new int[] {0, 0};
        }
        List<String> all = new ArrayList<>(ids);
        int[] counts = {0, 0}; // nodes with tests, runs
        Instant now = Instant.now();
        inBatches(b, TESTS_TOOL, "node_ids", all, TEST_BATCH, parallelism, errors, (batch, result) -> {
            Map<String, UnaryOperator<NodeState>> changes = new LinkedHashMap<>();
            for (var it = result.path("nodes").fields(); it.hasNext(); ) {
                var e = it.next();
                List<String> tests = new ArrayList<>();
                e.getValue().path("related_tests").forEach(t -> tests.add(t.asText()));
                if (!tests.isEmpty()) {
                    counts[0]++;
                }
                changes.put(e.getKey(), st -> st.with(Map.of("related_tests", tests)).withMark("related_tests", TESTS_TOOL, now));
            }
            rerender(store.applyReferences(Map.of(), changes));
            if (progress != null && (++counts[1] % 25 == 0 || counts[1] * TEST_BATCH >= all.size())) {
                progress.accept("tests: " + Math.min(all.size(), counts[1] * TEST_BATCH) + "/" + all.size() + " nodes");
            }
        });
        return new int[] {counts[0], (all.size() + TEST_BATCH - 1) / TEST_BATCH};
    }

    /**
     * Runs {@code tool} over {@code items} in batches of {@code size} (input {@code input}) on
     * {@code parallelism} threads, handing each batch's result to {@code each} in order on this
     * thread; a failed batch becomes a line in {@code errors}.
     */
    private static void inBatches(Bound b, String tool, String input, List<String> items, int size, int parallelism,
            List<String> errors, java.util.function.BiConsumer<List<String>, JsonNode> each) {
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            batches.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallelism), dev.nodestate.hub.Background.threads("hub-analysis-"));
        try {
            List<Future<JsonNode>> runs = new ArrayList<>();
            for (List<String> batch : batches) {
                runs.add(pool.submit(() -> b.host().run(b.tools().get(tool), Map.of(input, JSON.valueToTree(batch)),
                        b.externals(), null).value()));
            }
            for (int i = 0; i < runs.size(); i++) {
                List<String> batch = batches.get(i);
                try {
                    each.accept(batch, runs.get(i).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    errors.add(tool + " on " + batch.size() + " item(s) from " + batch.get(0) + ": "
                            + (e.getCause() instanceof ToolException t ? t.getMessage() : String.valueOf(e.getCause())));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.add(tool + ": interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    private void rerender(List<NodeState> updated) {
        if (pages == null || updated.isEmpty()) {
            return;
        }
        Set<String> files = new LinkedHashSet<>();
        updated.forEach(n -> files.add(n.filePath()));
        for (String file : files) {
            pages.writeFile(file, store.byFile(file), List.of());
        }
    }

    private Bound requireBound() {
        Bound b = bound;
        if (b == null) {
            throw new IllegalStateException("CrossFileAnalysis.bind(tools, host, externals) was not called");
        }
        if (b.tools().get(CALLEES_TOOL) == null) {
            throw new IllegalStateException("tools/" + CALLEES_TOOL + ".pym is not installed or does not pass `hub tools check`");
        }
        return b;
    }

    static ArrayNode strings(Collection<String> values) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        values.forEach(a::add);
        return a;
    }
}
