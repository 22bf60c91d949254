package dev.nodestate.hub.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.rules.Candidate;
import dev.nodestate.hub.sandbox.ToolException;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.PymTool;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import dev.nodestate.hub.trace.TraceLog;
import dev.nodestate.hub.triage.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Runs approved updates on worker threads (one per sandbox lane) without blocking the watcher.
 *
 * <p>Work is queued per node and the latest change wins: a node's waiting job is replaced by its
 * newer one (the older is traced as superseded). The queue is bounded by {@code capacity} node
 * jobs; beyond that, a node's work is collapsed into its file's job (every node of the file gets
 * the union of the approved tools), so no change is ever dropped and memory grows with files,
 * not events. Each job's results are applied in one transaction per file, its pages re-rendered,
 * and a trace entry appended. A failing tool is recorded on the node ({@code updates[field].error})
 * and in the trace, and is not retried until the node changes again.
 */
public final class Scheduler implements AutoCloseable {

    /** Fields a tool may set; the rest belong to extraction or the hub. */
    static final Set<String> TOOL_FIELDS = Set.of("signature", "docstring", "imports", "decorators", "callers", "callees",
            "related_tests", "line_count", "complexity", "docstring_outdated", "has_type_hints");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NodeStore store;
    private final MarkdownPages pages;
    private final ToolRegistry tools;
    private final ToolHost host;
    private final Externals externals;
    private final TraceLog trace;
    private final Set<String> detectionTools;
    private final int capacity;
    private volatile dev.nodestate.hub.refs.CrossFileAnalysis analysis;
    private volatile dev.nodestate.hub.testrun.TestRecords testRecords;

    private final LinkedHashMap<String, UpdateJob> nodeJobs = new LinkedHashMap<>();
    private final LinkedHashMap<String, Set<String>> fileJobs = new LinkedHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private int running;
    private boolean closed;
    private long completed;

    public Scheduler(NodeStore store, MarkdownPages pages, ToolRegistry tools, ToolHost host, Externals externals,
            TraceLog trace, Set<String> detectionTools, int workers, int capacity) {
        this.store = store;
        this.pages = pages;
        this.tools = tools;
        this.host = host;
        this.externals = externals;
        this.trace = trace;
        this.detectionTools = Set.copyOf(detectionTools);
        this.capacity = capacity;
        for (int i = 0; i < workers; i++) {
            this.workers.add(Thread.ofPlatform().daemon().name("hub-update-" + i).start(() -> {
                dev.nodestate.hub.Background.lowerPriority();
                work();
            }));
        }
    }

    /**
     * Where {@code find_callees}-style results ({@code {"references": [tables]}}) go: the analysis
     * indexes them and writes callees/callers itself. Without one, such results are a tool failure.
     */
    public Scheduler withAnalysis(dev.nodestate.hub.refs.CrossFileAnalysis analysis) {
        this.analysis = analysis;
        return this;
    }

    /**
     * Where {@code generate_test_skeleton}-style results ({@code {"skeleton": {path, text, ...}}}) are written: under
     * {@code .agentfs/tests/}, never over an existing file. Without it, such results are a tool failure.
     */
    public Scheduler withTestRecords(dev.nodestate.hub.testrun.TestRecords records) {
        this.testRecords = records;
        return this;
    }

    /**
     * Told after a node's job has run and its results are stored: the change, the tools that ran, what they reported
     * without storing it (a top-level {@code "report"}, or a list such as list_exports'), and the node's callers as
     * they were stored before the change.
     */
    public interface JobListener {
        void done(dev.nodestate.hub.diff.DiffBundle change, List<String> toolsRun, Map<String, JsonNode> reports,
                List<String> callersBefore);
    }

    private volatile JobListener listener;

    /** Where finished node jobs are told (the impact builder). */
    public Scheduler withJobListener(JobListener listener) {
        this.listener = listener;
        return this;
    }

    /** Queues a node's approved updates (or traces it at once when nothing was approved). */
    void submit(UpdateJob job) {
        if (job.decision().approved().isEmpty()) {
            record(job, List.of(), "no updates");
            return;
        }
        UpdateJob superseded;
        boolean collapsed = false;
        synchronized (this) {
            superseded = nodeJobs.remove(job.nodeId());
            if (superseded == null && nodeJobs.size() >= capacity) {
                Set<String> toolsForFile = fileJobs.computeIfAbsent(job.file(), f -> new LinkedHashSet<>());
                job.decision().approved().forEach(v -> toolsForFile.add(v.candidate().tool()));
                collapsed = true;
            } else {
                nodeJobs.put(job.nodeId(), job);
            }
            notifyAll();
        }
        if (superseded != null) {
            record(superseded, List.of(), "superseded");
        }
        if (collapsed) {
            record(job, List.of(), "collapsed");
        }
    }

    /** Jobs waiting or running. */
    public synchronized int depth() {
        return nodeJobs.size() + fileJobs.size() + running;
    }

    public synchronized long completed() {
        return completed;
    }

    /** Waits until no job waits or runs; false on timeout. */
    public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (depth() > 0) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    private void work() {
        while (true) {
            UpdateJob job = null;
            Map.Entry<String, Set<String>> fileJob = null;
            synchronized (this) {
                while (!closed && nodeJobs.isEmpty() && fileJobs.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                if (!nodeJobs.isEmpty()) {
                    job = nodeJobs.pollFirstEntry().getValue();
                } else {
                    fileJob = fileJobs.pollFirstEntry();
                }
                running++;
            }
            try {
                if (job != null) {
                    runNodeJob(job);
                } else {
                    runFileJob(fileJob.getKey(), fileJob.getValue());
                }
            } catch (RuntimeException e) {
                System.err.println("hub: update of " + (job != null ? job.nodeId() : fileJob.getKey()) + " failed: " + e);
            } finally {
                synchronized (this) {
                    running--;
                    completed++;
                    notifyAll();
                }
            }
        }
    }

    private void runNodeJob(UpdateJob job) {
        List<TraceEntry.ToolRun> runs = new ArrayList<>();
        Map<String, Map<String, UnaryOperator<NodeState>>> byFile = new LinkedHashMap<>();
        Map<String, JsonNode> reports = new LinkedHashMap<>();
        for (Decision.Verdict v : job.decision().approved()) {
            runs.add(runTool(v.candidate(), job.nodeId(), job.file(), byFile, job.seen(), reports));
        }
        apply(byFile);
        boolean failed = runs.stream().anyMatch(r -> r.outcome().equals("failed"));
        record(job, runs, failed ? "failed" : "updated");
        JobListener l = listener;
        if (l != null && job.change() != null) {
            try {
                l.done(job.change(), runs.stream().filter(r -> !r.outcome().equals("failed")).map(TraceEntry.ToolRun::tool).toList(),
                        reports, job.callersBefore());
            } catch (RuntimeException e) {
                System.err.println("hub: after the update of " + job.nodeId() + ": " + e);
            }
        }
    }

    private void runFileJob(String file, Set<String> toolNames) {
        Map<String, Map<String, UnaryOperator<NodeState>>> byFile = new LinkedHashMap<>();
        List<TraceEntry.ToolRun> runs = new ArrayList<>();
        for (NodeState node : store.byFile(file)) {
            for (String tool : toolNames) {
                Candidate c = new Candidate(node.id().toString(), tool, Map.of(), 0, "queue full: file-level work", "(collapsed)", "");
                runs.add(runTool(c, c.nodeId(), file, byFile, Instant.now(), new HashMap<>()));
            }
        }
        apply(byFile);
        trace.append(new TraceEntry(Instant.now(), null, file, null, List.of(), null, runs, 0,
                runs.stream().anyMatch(r -> r.outcome().equals("failed")) ? "failed" : "updated"));
    }

    /** Runs one tool for one node, collecting its field changes per file; never throws for a tool failure. */
    private TraceEntry.ToolRun runTool(Candidate c, String nodeId, String file,
            Map<String, Map<String, UnaryOperator<NodeState>>> byFile, Instant seen, Map<String, JsonNode> reports) {
        if (detectionTools.contains(c.tool())) {
            return new TraceEntry.ToolRun(c.tool(), 0, "from change detection", List.of(), null);
        }
        long start = System.nanoTime();
        Instant now = Instant.now();
        try {
            PymTool tool = tools.get(c.tool());
            Map<String, JsonNode> inputs = inputs(tool, c, nodeId, file);
            if (!inputs.containsKey("node_id") && !inputs.containsKey("node_ids") && !ranSince(c.tool() + " " + new TreeMap<>(inputs), seen, now)) {
                // a file-wide run (find_callees on the file) that another node of the same change already started
                return new TraceEntry.ToolRun(c.tool(), 0, "already run for this change", List.of(), null);
            }
            JsonNode result = host.run(tool, inputs, externals, null).value();
            if (result != null && result.has("references")) {
                var sink = analysis;
                if (sink == null) {
                    throw new IllegalArgumentException(c.tool() + " returned references, but this hub keeps no reference index");
                }
                var applied = sink.accept(result.get("references"));
                applied.errors().forEach(e -> System.err.println("hub: " + c.tool() + ": " + e));
                return new TraceEntry.ToolRun(c.tool(), millis(start), "applied", List.of("callees", "callers"),
                        applied.errors().isEmpty() ? null : String.join("; ", applied.errors()), null);
            }
            if (result != null && result.path("skeleton").isObject()) {
                var records = testRecords;
                if (records == null) {
                    throw new IllegalArgumentException(c.tool() + " returned a skeleton, but this hub writes no tests");
                }
                try {
                    records.writeSkeleton(nodeId, result.get("skeleton"), false); // written now: a later tool of this job runs it
                } catch (dev.nodestate.hub.testrun.TestRecords.Refused refused) {
                    throw new IllegalArgumentException(refused.getMessage());
                }
                return new TraceEntry.ToolRun(c.tool(), millis(start), "applied", List.of("skeleton"), null, true);
            }
            if (result != null && result.isArray()) {
                reports.put(c.tool(), result); // a list (list_exports' surfaces): for people and the impact page, never stored
                return new TraceEntry.ToolRun(c.tool(), millis(start), "reported", List.of(), null, false);
            }
            if (result != null && result.has("report")) {
                reports.put(c.tool(), result.get("report"));
            }
            Map<String, Map<String, Object>> changes = changes(c.tool(), nodeId, result);
            List<String> fields = new ArrayList<>();
            boolean changed = false;
            for (var e : changes.entrySet()) {
                changed |= differs(e.getKey(), e.getValue());
            }
            changes.forEach((id, fieldValues) -> {
                fields.addAll(fieldValues.keySet());
                byFile.computeIfAbsent(fileOf(id), f -> new LinkedHashMap<>()).merge(id, state -> {
                    NodeState next = state.with(fieldValues);
                    for (String field : fieldValues.keySet()) {
                        next = next.withMark(field, c.tool(), now);
                    }
                    return next;
                }, (a, b) -> s -> b.apply(a.apply(s)));
            });
            return new TraceEntry.ToolRun(c.tool(), millis(start), "applied", fields.stream().distinct().toList(), null, changed);
        } catch (RuntimeException e) {
            String message = e instanceof ToolException ? e.getMessage() : e.toString();
            byFile.computeIfAbsent(file, f -> new LinkedHashMap<>()).merge(nodeId,
                    state -> state.withMark(c.tool(), new NodeState.Mark(c.tool(), now, message)),
                    (a, b) -> s -> b.apply(a.apply(s)));
            return new TraceEntry.ToolRun(c.tool(), millis(start), "failed", List.of(), message);
        }
    }

    /** Whether applying {@code fieldValues} to the stored node would change a value (a node not stored: yes). */
    private boolean differs(String id, Map<String, Object> fieldValues) {
        NodeState stored = store.get(id).orElse(null);
        if (stored == null) {
            return true;
        }
        JsonNode before;
        try {
            before = JSON.readTree(stored.toJson());
        } catch (java.io.IOException e) {
            return true;
        }
        for (var f : fieldValues.entrySet()) {
            if (!JSON.valueToTree(f.getValue()).equals(before.path(f.getKey()))) {
                return true;
            }
        }
        return false;
    }

    private final Map<String, Instant> fileWideRuns = new HashMap<>();

    /** Records a file-wide run starting {@code now}; false when one with the same inputs started after {@code seen}. */
    private synchronized boolean ranSince(String key, Instant seen, Instant now) {
        Instant last = fileWideRuns.get(key);
        if (last != null && !last.isBefore(seen)) {
            return false;
        }
        if (fileWideRuns.size() > 10_000) {
            fileWideRuns.clear();
        }
        fileWideRuns.put(key, now);
        return true;
    }

    /** The candidate's arguments plus node_id / node_ids / file_path / file_paths when the tool declares them. */
    private static Map<String, JsonNode> inputs(PymTool tool, Candidate c, String nodeId, String file) {
        Map<String, JsonNode> in = new HashMap<>();
        c.args().forEach((k, v) -> in.put(k, JSON.valueToTree(v)));
        for (PymTool.InputSpec spec : tool.inputs()) {
            switch (spec.name()) {
                case "node_id" -> in.putIfAbsent("node_id", JsonNodeFactory.instance.textNode(nodeId));
                case "node_ids" -> in.putIfAbsent("node_ids", JsonNodeFactory.instance.arrayNode().add(nodeId));
                case "file_path" -> in.putIfAbsent("file_path", JsonNodeFactory.instance.textNode(file));
                case "file_paths" -> in.putIfAbsent("file_paths", JsonNodeFactory.instance.arrayNode().add(file));
                default -> { }
            }
        }
        return in;
    }

    /**
     * A tool's result as field changes per node: either an object of fields for the node itself
     * ({@code {"complexity": 3}}) or {@code {"nodes": {id: {fields}}}} for several nodes. A top-level
     * {@code "report"} (evidence, similar nodes...) is for people and traces, never stored.
     */
    static Map<String, Map<String, Object>> changes(String tool, String nodeId, JsonNode result) {
        if (result == null || !result.isObject()) {
            throw new IllegalArgumentException(tool + " returned " + (result == null ? "nothing" : result.getNodeType())
                    + "; an update tool returns an object of node fields or {\"nodes\": {id: {fields}}}");
        }
        Map<String, Map<String, Object>> out = new TreeMap<>();
        if (result.has("nodes")) {
            result.get("nodes").fields().forEachRemaining(e -> out.put(e.getKey(), fields(tool, e.getKey(), e.getValue())));
        } else {
            com.fasterxml.jackson.databind.node.ObjectNode own = result.deepCopy();
            own.remove("report");
            if (!own.isEmpty() || !result.has("report")) {
                out.put(nodeId, fields(tool, nodeId, own));
            }
        }
        return out;
    }

    private static Map<String, Object> fields(String tool, String nodeId, JsonNode object) {
        if (!object.isObject()) {
            throw new IllegalArgumentException(tool + " returned " + object.getNodeType() + " for " + nodeId + "; expected an object of fields");
        }
        Map<String, Object> out = new TreeMap<>();
        object.fields().forEachRemaining(e -> {
            if (!TOOL_FIELDS.contains(e.getKey())) {
                throw new IllegalArgumentException(tool + " returned field '" + e.getKey() + "' for " + nodeId
                        + "; tools may set: " + String.join(", ", new java.util.TreeSet<>(TOOL_FIELDS)));
            }
            out.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class));
        });
        return out;
    }

    /** One transaction per file, then that file's pages. */
    private void apply(Map<String, Map<String, UnaryOperator<NodeState>>> byFile) {
        byFile.forEach((file, changes) -> {
            List<NodeState> updated = store.updateMany(changes);
            if (!updated.isEmpty()) {
                pages.writeFile(file, store.byFile(file), List.of());
            }
        });
    }

    private void record(UpdateJob job, List<TraceEntry.ToolRun> runs, String outcome) {
        trace.append(new TraceEntry(Instant.now(), job.nodeId(), job.file(), job.change(), job.candidates(),
                job.decision(), runs, Duration.between(job.seen(), Instant.now()).toMillis(), outcome));
    }

    private static String fileOf(String id) {
        return dev.nodestate.hub.store.NodeId.parse(id).file();
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Stops the workers after their current job; waiting jobs are traced as not run. */
    @Override
    public void close() {
        List<UpdateJob> dropped;
        synchronized (this) {
            closed = true;
            dropped = new ArrayList<>(nodeJobs.values());
            nodeJobs.clear();
            fileJobs.clear();
            notifyAll();
        }
        dropped.forEach(job -> record(job, List.of(), "not run: hub stopped"));
        for (Thread t : workers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
