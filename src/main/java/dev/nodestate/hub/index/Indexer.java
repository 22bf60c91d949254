package dev.nodestate.hub.index;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.sandbox.ToolException;
import dev.nodestate.hub.store.FileIndex;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Indexes a repository once: discovers sources, skips files whose hash matches the file index,
 * runs the extraction and complexity tools in batches on the sandbox pool (as many batches at
 * once as there are contexts), stores each file's nodes in one transaction, writes their pages,
 * and forgets files that are gone.
 */
public final class Indexer {

    /** Files per tool call: enough to amortise the call, small enough to spread over lanes. */
    static final int BATCH = 4;

    /** Files per tool call (for benchmarks that mirror the indexer's calls). */
    public static int batchSize() {
        return BATCH;
    }

    /** The tools every (re-)extraction runs: their results are known once a file has been indexed. */
    public static final Set<String> EXTRACTION_TOOLS = Set.of(Extraction.PYTHON_TOOL, Extraction.JAVA_TOOL,
            Extraction.COMPLEXITY_TOOL);

    /** Progress after each file. */
    public record Progress(int done, int total, String file) {
    }

    /** What a run did. */
    public record Summary(int files, int indexed, int unchanged, int removed, int nodes, int skipped,
                          Map<String, Integer> skippedBy, Map<String, List<String>> skippedExamples,
                          List<String> errors, int pagesWritten, Duration elapsed, Map<String, String> failed,
                          List<Discovery.TooLarge> tooLarge) {

        /** Files whose extraction failed for another reason than a syntax error of their own (a tool failure, unreadable, deleted). */
        public Map<String, String> failedOtherwise() {
            Map<String, String> out = new java.util.TreeMap<>();
            failed.forEach((f, why) -> {
                if (!why.startsWith("syntax error")) {
                    out.put(f, why);
                }
            });
            return out;
        }
    }

    /** The tools extraction needs; asked for only when some file changed, so a no-op run starts no Python. */
    public record Tools(ToolRegistry registry, ToolHost host, Externals externals) {
    }

    private final java.nio.file.Path root;
    private final NodeStore store;
    private final java.util.function.Supplier<Tools> tools;
    private final MarkdownPages pages;
    private final int parallelism;

    public Indexer(java.nio.file.Path root, NodeStore store, java.util.function.Supplier<Tools> tools, int parallelism) {
        this.root = root;
        this.store = store;
        this.tools = tools;
        this.pages = new MarkdownPages(root, store);
        this.parallelism = Math.max(1, parallelism);
    }

    /**
     * One file's change as the indexer saw it: its nodes and text before (empty and null for a new
     * file) and after (empty and null for a removed file).
     */
    public record FileChange(String path, String language, List<NodeState> before, String beforeText,
                             List<NodeState> after, String afterText) {
        public boolean removed() {
            return afterText == null;
        }
    }

    /** Hooks around each file's transaction (the watch pipeline diffs and traces through them). */
    public interface Listener {
        Listener NONE = new Listener() { };

        /** The nodes to store for a changed file; may adjust them (e.g. docstring_outdated). Called on pool threads. */
        default List<NodeState> beforeStore(FileChange change) {
            return change.after();
        }

        /** When true, the run ends between files: files not yet stored are left for the next run. */
        default boolean cancelled() {
            return false;
        }

        /**
         * A tool to run on each batch of Python files with the extraction, on the same outlines (e.g. the cross-file
         * analysis' {@code find_callees}); its table of a stored file comes to {@link #references}. Null: none.
         */
        default String referencesTool() {
            return null;
        }

        /** The {@link #referencesTool()} table of a file just stored (made from the text stored). Called on pool threads. */
        default void references(String path, JsonNode table) {
        }

        /** After the file's transaction committed and its pages were written. Called on pool threads. */
        default void stored(FileChange change, NodeStore.Replaced replaced) {
        }
    }

    /** Cold start: indexes every changed file, forgets files that are gone. */
    public Summary run(long maxBytes, Consumer<Progress> progress) throws IOException {
        return run(maxBytes, progress, Listener.NONE);
    }

    public Summary run(long maxBytes, Consumer<Progress> progress, Listener listener) throws IOException {
        long start = System.nanoTime();
        Discovery.Result found = new Discovery(root, maxBytes).scan();
        Map<String, Discovery.Source> changed = new LinkedHashMap<>();
        int unchanged = 0;
        int repaired = 0;
        for (Discovery.Source s : found.sources()) {
            Optional<FileIndex> known = store.getFileIndex(s.path());
            if (known.isPresent() && known.get().fileHash().equals(sha256(s.bytes()))) {
                unchanged++;
                if (known.get().error() == null && !pages.complete(s.path())) {
                    repaired += pages.writeFile(s.path(), store.byFile(s.path()), List.of());
                }
            } else {
                changed.put(s.path(), s);
            }
        }
        Set<String> present = found.sources().stream().map(Discovery.Source::path).collect(Collectors.toSet());
        List<String> gone = store.allIndexedFiles().stream().filter(f -> !present.contains(f)).toList();
        Applied applied = apply(changed.values(), gone, NodeState.Source.COLD_START, progress, listener);
        return new Summary(found.sources().size(), changed.size() - applied.failed().size(), unchanged, gone.size(), applied.nodes(),
                found.skippedTotal(), found.skipped(), found.examples(), applied.errors(), applied.pages() + repaired,
                Duration.ofNanos(System.nanoTime() - start), applied.failed(), found.tooLarge());
    }

    /**
     * Brings the given files (repo-relative, existing or not) up to date: re-extracts those whose
     * content changed, forgets those that are gone or no longer indexable, leaves the rest alone.
     */
    public Summary update(java.util.Collection<String> paths, long maxBytes, Consumer<Progress> progress, Listener listener)
            throws IOException {
        long start = System.nanoTime();
        Discovery discovery = new Discovery(root, maxBytes);
        List<Discovery.Source> changed = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        int unchanged = 0;
        List<Discovery.TooLarge> tooLarge = new ArrayList<>();
        for (String path : new java.util.TreeSet<>(paths)) {
            Object verdict = discovery.judge(path);
            if (verdict instanceof Discovery.TooLarge large) {
                tooLarge.add(large); // and forgotten below like any file no longer indexable
            }
            Optional<Discovery.Source> source = verdict instanceof Discovery.Source s ? Optional.of(s) : Optional.empty();
            Optional<FileIndex> known = store.getFileIndex(path);
            if (source.isPresent()) {
                if (known.isPresent() && known.get().fileHash().equals(sha256(source.get().bytes()))) {
                    unchanged++;
                } else {
                    changed.add(source.get());
                }
            } else if (known.isPresent() || !store.byFile(path).isEmpty()) {
                gone.add(path);
            }
        }
        Applied applied = apply(changed, gone, NodeState.Source.FILE_CHANGE, progress, listener);
        return new Summary(changed.size() + unchanged, changed.size() - applied.failed().size(), unchanged, gone.size(), applied.nodes(), 0,
                Map.of(), Map.of(), applied.errors(), applied.pages(), Duration.ofNanos(System.nanoTime() - start), applied.failed(),
                List.copyOf(tooLarge));
    }

    private record Applied(int nodes, int pages, List<String> errors, Map<String, String> failed) {
    }

    private Applied apply(java.util.Collection<Discovery.Source> changed, List<String> gone, NodeState.Source source,
            Consumer<Progress> progress, Listener listener) throws IOException {
        for (String file : gone) {
            List<NodeState> before = store.byFile(file);
            String beforeText = store.fileText(file).orElse(null);
            String language = Discovery.languageOf(file);
            List<String> removed = store.invalidateFile(file);
            store.removeFileIndex(file);
            pages.removeFile(file, removed);
            listener.stored(new FileChange(file, language, before, beforeText, List.of(), null),
                    new NodeStore.Replaced(List.of(), List.of(), removed));
        }
        List<List<Discovery.Source>> batches = batches(changed);
        Extraction extraction = batches.isEmpty() ? null : extraction();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger nodes = new AtomicInteger();
        AtomicInteger written = new AtomicInteger();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, String> failed = new java.util.concurrent.ConcurrentSkipListMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, dev.nodestate.hub.Background.threads("hub-index-"));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (List<Discovery.Source> batch : batches) {
                futures.add(pool.submit(() -> {
                    if (listener.cancelled()) {
                        return;
                    }
                    String language = batch.getFirst().language();
                    List<String> paths = batch.stream().map(Discovery.Source::path).toList();
                    Map<String, Extraction.FileResult> results = extract(extraction, language, paths, listener.referencesTool());
                    for (Discovery.Source s : batch) {
                        if (listener.cancelled()) {
                            return;
                        }
                        Extraction.FileResult r = results.get(s.path());
                        String hash = sha256(s.bytes());
                        if (r == null || r.error() != null) {
                            String message = r == null ? "no result from the extractor" : r.error();
                            boolean deleted = !Files.exists(root.resolve(s.path()));
                            if (deleted) {
                                message = "deleted while being indexed (" + message + ")";
                            }
                            errors.add(s.path() + (r != null && r.errorLine() > 0 ? ":" + r.errorLine() : "") + ": " + message);
                            failed.put(s.path(), message);
                            if (!deleted) { // a deleted file is forgotten by the next run or the watcher's event
                                recordError(s.path(), hash, s.path() + (r != null && r.errorLine() > 0 ? ":" + r.errorLine() : "") + ": " + message);
                                written.addAndGet(pages.writeFile(s.path(), store.byFile(s.path()), List.of()));
                            }
                        } else {
                            List<NodeState> before = store.byFile(s.path());
                            String text = new String(s.bytes(), StandardCharsets.UTF_8);
                            FileChange change = new FileChange(s.path(), s.language(), before,
                                    store.fileText(s.path()).orElse(null), states(s, hash, r.nodes(), before, source), text);
                            List<NodeState> states = listener.beforeStore(change);
                            NodeStore.Replaced replaced = store.replaceFile(
                                    new FileIndex(s.path(), hash, states.size(), Instant.now(), null), states, text,
                                    Indexer::keepToolFields);
                            nodes.addAndGet(states.size());
                            // pages from what was stored: the merge may have kept fields a tool set meanwhile
                            written.addAndGet(pages.writeFile(s.path(), store.byFile(s.path()), replaced.removed()));
                            if (r.references() != null) {
                                listener.references(s.path(), r.references());
                            }
                            listener.stored(new FileChange(change.path(), change.language(), before, change.beforeText(),
                                    states, text), replaced);
                        }
                        progress.accept(new Progress(done.incrementAndGet(), changed.size(), s.path()));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("indexing was interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("indexing failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdown(); // no interrupts: a thread inside a store transaction must finish it
        }
        if (listener.cancelled()) {
            errors.add("stopped before every file was indexed; the rest is indexed on the next run");
        }
        if (pages.writeRootIndex(false)) {
            written.incrementAndGet();
        }
        return new Applied(nodes.get(), written.get(), List.copyOf(errors), Map.copyOf(failed));
    }

    /**
     * Extracts a batch; when the batch's tool run fails as a whole (one file deleted or unreadable meanwhile, one file
     * the tool chokes on), each file is extracted alone, so one file's failure never costs the others theirs.
     */
    private static Map<String, Extraction.FileResult> extract(Extraction extraction, String language, List<String> paths,
            String referencesTool) {
        try {
            return extraction.run(language, paths, referencesTool);
        } catch (ToolException batchFailed) {
            Map<String, Extraction.FileResult> results = new HashMap<>();
            for (String path : paths) {
                try {
                    results.putAll(paths.size() == 1 ? Map.of() : extraction.run(language, List.of(path), referencesTool));
                } catch (ToolException e) {
                    results.put(path, new Extraction.FileResult(path, List.of(), e.getMessage(), 0, null));
                    continue;
                }
                if (paths.size() == 1) {
                    results.put(path, new Extraction.FileResult(path, List.of(), batchFailed.getMessage(), 0, null));
                }
            }
            return results;
        }
    }

    private Extraction extraction() {
        Tools t = tools.get();
        return new Extraction(t.registry(), t.host(), t.externals());
    }

    /** A file that no longer parses keeps its previous nodes; the error is recorded on the file. */
    private void recordError(String path, String hash, String message) {
        int count = store.getFileIndex(path).map(FileIndex::nodeCount).orElse(0);
        store.setFileIndex(new FileIndex(path, hash, count, Instant.now(), message));
    }

    private List<List<Discovery.Source>> batches(java.util.Collection<Discovery.Source> sources) {
        Map<String, List<Discovery.Source>> byLanguage = new LinkedHashMap<>();
        sources.forEach(s -> byLanguage.computeIfAbsent(s.language(), k -> new ArrayList<>()).add(s));
        List<List<Discovery.Source>> out = new ArrayList<>();
        for (List<Discovery.Source> list : byLanguage.values()) {
            for (int i = 0; i < list.size(); i += BATCH) {
                out.add(list.subList(i, Math.min(list.size(), i + BATCH)));
            }
        }
        return out;
    }

    /** Builds node states from the tools' entries; keeps cross-file facts other tools computed. */
    private List<NodeState> states(Discovery.Source source, String fileHash, List<JsonNode> entries, List<NodeState> before,
            NodeState.Source updateSource) {
        String text = new String(source.bytes(), StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        Instant now = Instant.now();
        Map<String, NodeState> previous = new HashMap<>();
        before.forEach(s -> previous.put(s.key(), s));
        String extractor = source.language().equals("java") ? Extraction.JAVA_TOOL : Extraction.PYTHON_TOOL;
        List<NodeState> out = new ArrayList<>();
        for (JsonNode n : entries) {
            String name = n.path("name").asText();
            NodeId id = name.equals("__module__") ? NodeId.module(source.path()) : NodeId.of(source.path(), name);
            int startLine = n.path("start_line").asInt(1);
            int endLine = Math.max(startLine, n.path("end_line").asInt(startLine));
            String body = String.join("\n", lines.subList(Math.min(lines.size(), startLine - 1), Math.min(lines.size(), endLine)));
            String parentName = n.path("parent").isNull() || n.path("parent").isMissingNode() ? null : n.path("parent").asText();
            NodeState old = previous.get(id.key());
            Map<String, NodeState.Mark> marks = new java.util.TreeMap<>(old == null ? Map.of() : old.updates());
            marks.put("signature", new NodeState.Mark(extractor, now));
            JsonNode complexity = n.get("complexity");
            if (complexity != null) {
                marks.put("complexity", new NodeState.Mark(Extraction.COMPLEXITY_TOOL, now));
            }
            out.add(new NodeState(id.key(), source.path(), id.isModule() ? source.path() : name,
                    NodeState.Type.valueOf(n.path("node_type").asText("function").toUpperCase()),
                    sha256(body.getBytes(StandardCharsets.UTF_8)), fileHash,
                    text(n, "signature"), text(n, "docstring"), strings(n.path("imports")), strings(n.path("decorators")),
                    old == null ? null : old.callers(), old == null ? null : old.callees(),
                    old == null ? null : old.relatedTests(), endLine - startLine + 1,
                    complexity == null ? (old == null ? null : old.complexity()) : Integer.valueOf(complexity.asInt()),
                    false, n.path("has_type_hints").asBoolean(true), now,
                    updateSource,
                    source.language(), startLine, endLine,
                    parentName == null ? (id.isModule() ? null : source.path()) : NodeId.of(source.path(), parentName).toString(),
                    marks));
        }
        return out;
    }

    /**
     * What re-extraction must not overwrite: the fields cross-file tools set (callers, callees,
     * related tests) and their update marks, taken from the state stored at commit time, which may
     * be newer than the one read before extraction.
     */
    static NodeState keepToolFields(NodeState stored, NodeState fresh) {
        Map<String, NodeState.Mark> marks = new java.util.TreeMap<>(stored.updates());
        marks.putAll(fresh.updates().entrySet().stream()
                .filter(e -> e.getKey().equals("signature") || e.getKey().equals("complexity"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        NodeState merged = new NodeState(fresh.key(), fresh.filePath(), fresh.nodeName(), fresh.nodeType(), fresh.sourceHash(),
                fresh.fileHash(), fresh.signature(), fresh.docstring(), fresh.imports(), fresh.decorators(), stored.callers(),
                stored.callees(), stored.relatedTests(), fresh.lineCount(), fresh.complexity(), fresh.docstringOutdated(),
                fresh.hasTypeHints(), fresh.lastUpdated(), fresh.updateSource(), fresh.language(), fresh.startLine(),
                fresh.endLine(), fresh.parent(), marks);
        return merged;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
