package dev.nodestate.hub.update;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.diff.Differ;
import dev.nodestate.hub.diff.FileVersion;
import dev.nodestate.hub.index.Discovery;
import dev.nodestate.hub.index.Indexer;
import dev.nodestate.hub.rules.Candidate;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.triage.Decision;
import dev.nodestate.hub.triage.Triage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * One batch of file changes through the flow of DESIGN.md: re-extract the changed files (the
 * indexer stores each file in one transaction and writes its pages), diff old and new nodes into
 * bundles, keep each node's last change, run the rules, let triage decide, and hand approved
 * updates to the scheduler. Runs on the hub's update thread, never on the watcher's.
 */
public final class ChangePipeline {

    /** What one batch did. */
    public record BatchResult(int files, int reextracted, int removedFiles, Map<DiffBundle.Kind, Integer> changes,
                              int queued, List<String> errors, Duration elapsed, Set<String> paths,
                              List<dev.nodestate.hub.index.Discovery.TooLarge> tooLarge) {
    }

    private final Path root;
    private final NodeStore store;
    private final Indexer indexer;
    private final BiFunction<DiffBundle, NodeState, List<Candidate>> rules;
    private final Triage triage;
    private final Scheduler scheduler;
    private final long maxBytes;
    private final java.util.function.BooleanSupplier stopping;

    /** @param stopping when true, the batch ends between files (the rest is picked up on the next run) */
    /** Deleted files are forgotten by the reference index too (their nodes leave others' callers/callees). */
    public ChangePipeline withAnalysis(dev.nodestate.hub.refs.CrossFileAnalysis analysis) {
        this.analysis = analysis;
        return this;
    }

    private volatile dev.nodestate.hub.refs.CrossFileAnalysis analysis;

    public ChangePipeline(Path root, NodeStore store, Indexer indexer, BiFunction<DiffBundle, NodeState, List<Candidate>> rules,
            Triage triage, Scheduler scheduler, long maxBytes, java.util.function.BooleanSupplier stopping) {
        this.stopping = stopping;
        this.root = root.toAbsolutePath().normalize();
        this.store = store;
        this.indexer = indexer;
        this.rules = rules;
        this.triage = triage;
        this.scheduler = scheduler;
        this.maxBytes = maxBytes;
    }

    /** Processes changed paths (files or directories, existing or not); with {@code rescan}, the whole tree. */
    public BatchResult process(Set<String> paths, boolean rescan) throws IOException {
        long start = System.nanoTime();
        Instant seen = Instant.now();
        Collector collector = new Collector(stopping);
        Indexer.Summary summary;
        Set<String> files = rescan ? Set.of() : expand(paths);
        if (rescan) {
            summary = indexer.run(maxBytes, p -> { }, collector);
        } else {
            summary = indexer.update(files, maxBytes, p -> { }, collector);
        }
        if (analysis != null) {
            analysis.filesChanged(collector.storedFiles);
            if (!collector.removedFiles.isEmpty()) {
                analysis.forget(collector.removedFiles);
            }
        }
        List<DiffBundle> bundles = Differ.pairAcrossFiles(collector.bundles());
        Map<String, String> lastChanges = new LinkedHashMap<>();
        for (DiffBundle b : bundles) {
            if (b.kind() != DiffBundle.Kind.REMOVED) {
                lastChanges.put(b.nodeId(), dev.nodestate.hub.trace.TraceLog.line(b));
            }
        }
        if (!lastChanges.isEmpty()) {
            store.putLastChanges(lastChanges);
        }
        Map<DiffBundle.Kind, Integer> kinds = new EnumMap<>(DiffBundle.Kind.class);
        int queued = 0;
        for (DiffBundle b : bundles) {
            kinds.merge(b.kind(), 1, Integer::sum);
            NodeState node = b.kind() == DiffBundle.Kind.REMOVED ? null : store.get(b.nodeId()).orElse(null);
            List<Candidate> candidates = rules.apply(b, node);
            Decision decision = triage.decide(b, node, candidates);
            queued += decision.approved().size();
            List<String> callersBefore = collector.callersBefore.getOrDefault(b.previousId() != null ? b.previousId() : b.nodeId(), List.of());
            scheduler.submit(new UpdateJob(b.nodeId(), b.file(), b, candidates, decision, seen, callersBefore));
        }
        return new BatchResult(summary.files(), summary.indexed(), summary.removed(), kinds, queued, summary.errors(),
                Duration.ofNanos(System.nanoTime() - start), rescan ? Set.of("(rescan)") : files, summary.tooLarge());
    }

    /** Files behind the changed paths: a directory's sources, or the known files under a vanished directory. */
    private Set<String> expand(Set<String> paths) throws IOException {
        Set<String> out = new TreeSet<>();
        List<String> known = null;
        for (String p : paths) {
            Path abs = root.resolve(p);
            if (Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> walk = Files.walk(abs)) {
                    walk.filter(f -> Discovery.languageOf(f.getFileName().toString()) != null)
                            .forEach(f -> out.add(root.relativize(f).toString().replace('\\', '/')));
                }
            } else if (Discovery.languageOf(p) != null) {
                out.add(p);
            } else if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                if (known == null) {
                    known = store.allIndexedFiles();
                }
                String prefix = p + "/";
                known.stream().filter(f -> f.startsWith(prefix)).forEach(out::add);
            }
        }
        return out;
    }

    /** Diffs each file as the indexer stores it; sets docstring_outdated on the way in. */
    private static final class Collector implements Indexer.Listener {
        private final List<DiffBundle> bundles = Collections.synchronizedList(new ArrayList<>());
        private final java.util.Set<String> removedFiles = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final java.util.Set<String> storedFiles = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** Each changed file's nodes' callers as stored before the change (the reference index re-resolves them after). */
        private final Map<String, List<String>> callersBefore = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.function.BooleanSupplier stopping;

        Collector(java.util.function.BooleanSupplier stopping) {
            this.stopping = stopping;
        }

        @Override
        public boolean cancelled() {
            return stopping.getAsBoolean();
        }

        List<DiffBundle> bundles() {
            return new ArrayList<>(bundles);
        }

        @Override
        public List<NodeState> beforeStore(Indexer.FileChange change) {
            List<DiffBundle> found = Differ.compare(before(change), new FileVersion(change.path(), change.language(),
                    change.afterText(), change.after()));
            bundles.addAll(found);
            Map<String, Boolean> outdated = new HashMap<>();
            found.forEach(b -> outdated.put(b.nodeId(), b.docstringOutdated()));
            Map<String, NodeState> old = new HashMap<>();
            change.before().forEach(n -> old.put(n.id().toString(), n));
            change.before().forEach(n -> callersBefore.put(n.id().toString(), n.callers()));
            List<NodeState> out = new ArrayList<>(change.after().size());
            for (NodeState n : change.after()) {
                String id = n.id().toString();
                NodeState was = old.get(id);
                boolean flag = outdated.getOrDefault(id, false)
                        || (was != null && was.docstringOutdated() && java.util.Objects.equals(was.docstring(), n.docstring()));
                out.add(flag == n.docstringOutdated() ? n : n.with(Map.of("docstring_outdated", flag)));
            }
            return out;
        }

        @Override
        public void stored(Indexer.FileChange change, NodeStore.Replaced replaced) {
            storedFiles.add(change.path());
            if (change.removed()) {
                removedFiles.add(change.path());
                bundles.addAll(Differ.compare(before(change), null));
            }
        }

        private static FileVersion before(Indexer.FileChange change) {
            return change.before().isEmpty() && change.beforeText() == null ? null
                    : new FileVersion(change.path(), change.language(), change.beforeText(), change.before());
        }
    }
}
