package dev.nodestate.hub.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeLookup;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.trace.TraceLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Answers one decoded request (a JSON object with a {@code type}) with one JSON document. Never
 * throws: every problem becomes {@code {"error": "..."}}. Types: health, status, get_context (the
 * seed's shape), get_node, search, callers, callees, tests, similar, context, hint, resolve (an
 * abbreviated id, as {@code hub show} takes it), ids (every node id, for completion), run_tool ({@link ToolRequests}),
 * rules_explain ({@link RulesRequests}).
 */
final class Requests {

    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    static final List<String> TYPES = List.of("health", "status", "get_context", "get_node", "search", "callers",
            "callees", "tests", "similar", "context", "hint", "resolve", "ids", "run_tool", "failure_context", "rules_explain");

    private final Path root;
    private final NodeStore store;
    private final Freshness freshness;
    private final TraceLog contextTrace;
    private final HintQueue hints;
    private final HubServer.Probe probe;
    private final Clock clock;
    private final Instant started;
    private volatile Path socket;

    Requests(Path root, NodeStore store, Freshness freshness, TraceLog contextTrace, HintQueue hints,
            HubServer.Probe probe, Clock clock) {
        this.root = root;
        this.store = store;
        this.freshness = freshness;
        this.contextTrace = contextTrace;
        this.hints = hints;
        this.probe = probe;
        this.clock = clock;
        this.started = processStart();
    }

    /**
     * When this process started: {@code status}'s uptime counts from here, not from when the socket came up (a hub
     * serves before its tools are loaded; the uptime of a restarted hub is its own, whatever it did first).
     */
    private static Instant processStart() {
        return Instant.ofEpochMilli(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    void socket(Path socket) {
        this.socket = socket;
    }

    /** Error reply for a request that could not even be decoded. */
    static String error(String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        return o.toString();
    }

    String answer(byte[] request, int length) {
        JsonNode req;
        try {
            req = JSON.readTree(request, 0, length);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            return error("malformed JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + firstLine(e.getOriginalMessage()) + "; a request is one JSON object, e.g. {\"type\": \"health\"}");
        } catch (java.io.IOException e) {
            return error("malformed JSON: " + firstLine(e.getMessage()));
        }
        if (req == null || !req.isObject()) {
            return error("a request is a JSON object with a \"type\" (one of " + String.join(", ", TYPES) + ")");
        }
        String type = req.path("type").asText("");
        try {
            return switch (type) {
                case "health" -> health();
                case "status" -> status();
                case "get_context" -> getContext(req);
                case "get_node" -> getNode(req);
                case "search" -> search(req);
                case "callers", "callees", "tests" -> relation(req, type);
                case "similar" -> similar(req);
                case "context" -> context(req);
                case "hint" -> hint(req);
                case "resolve" -> resolve(req);
                case "ids" -> ids();
                case "failure_context" -> failureContext(req);
                case "run_tool" -> runTool(req);
                case "rules_explain" -> rulesExplain(req);
                default -> error("Unknown request type: " + (req.has("type") ? req.get("type").toString() : "(none)")
                        + "; types: " + String.join(", ", TYPES));
            };
        } catch (BadRequest | dev.nodestate.hub.HubException e) {
            return error(e.getMessage());
        } catch (RuntimeException e) {
            return error(type + " failed: " + e.getMessage());
        }
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private String health() {
        NodeStore.Stats s = store.stats();
        ObjectNode o = JSON.createObjectNode();
        o.put("status", "ok");
        o.put("phase", probe.phase());
        o.put("nodes", s.nodes());
        o.put("files", s.files());
        return o.toString();
    }

    private String status() {
        NodeStore.Stats s = store.stats();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("status", "ok");
        o.put("running", true);
        o.put("pid", ProcessHandle.current().pid());
        o.put("root", root.toString());
        o.put("socket", socket == null ? null : socket.toString());
        o.put("phase", probe.phase());
        o.put("started_at", started);
        o.put("uptime_seconds", Duration.between(started, clock.instant()).toMillis() / 1000.0);
        o.put("files", s.files());
        o.put("nodes", s.nodes());
        o.put("last_update", probe.lastUpdate());
        o.put("queue_depth", probe.queueDepth());
        o.put("hints_queued", hints.depth());
        o.put("too_large", probe.tooLarge());
        o.put("max_age_hours", freshness.maxAge().toMinutes() / 60.0);
        return write(o);
    }

    /**
     * The seed's get_context: {"nodes": {id: NodeState}}, plus {"missing": {id: reason}} for every id not in the hub
     * (the seed client reads "nodes" only). Accepts "nodes" (the seed client) or "node_ids". Ids are taken exactly
     * (replies are keyed by them); a missing abbreviation's reason names the node it would resolve to.
     */
    private String getContext(JsonNode req) {
        List<String> ids = idList(req, req.has("nodes") ? "nodes" : "node_ids");
        Map<String, NodeStore.Stored> found = store.getManyStored(ids);
        String requester = requester(req);
        StringBuilder sb = new StringBuilder(1024 * (found.size() + 1)).append("{\"nodes\":{");
        boolean first = true;
        Map<String, String> missing = new LinkedHashMap<>();
        for (String id : ids) {
            NodeStore.Stored stored = found.get(id);
            trace("get_context", id, blob(id, stored == null ? null : stored.state()), requester);
            if (stored == null) {
                missing.put(id, missingReason(id));
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(quote(id)).append(':').append(stored.json()); // the stored JSON is the state's JSON
        }
        sb.append('}');
        if (!missing.isEmpty()) {
            sb.append(",\"missing\":").append(write(missing));
        }
        if (probe.starting()) {
            // the hub has not caught up yet: say how much of what it serves still matches the files on disk
            Map<String, String> fresh = new LinkedHashMap<>();
            found.forEach((id, stored) -> fresh.put(id, blob(id, stored.state()).freshnessStatus()));
            sb.append(",\"hub_phase\":").append(quote(probe.phase())).append(",\"freshness\":").append(write(fresh));
        }
        return sb.append('}').toString();
    }

    /** Why get_context has no node for {@code id}: unknown, or an abbreviation (of one node, or of several). */
    private String missingReason(String id) {
        try {
            String full = NodeLookup.resolve(store.ids(), id);
            return "not a full node id; it abbreviates " + full + " (get_context takes full ids; `resolve` or `context` accept abbreviations)";
        } catch (NodeLookup.Ambiguous e) {
            return "not a full node id; it abbreviates " + e.candidates().size() + " nodes (first: " + e.candidates().getFirst()
                    + "); use a full id";
        } catch (RuntimeException e) {
            return "no node with this id in this hub (deleted, not indexed, or misspelt; `search` finds ids)";
        }
    }

    private String getNode(JsonNode req) {
        String id = lookup(nodeId(req));
        Optional<NodeState> state = store.get(id);
        if (state.isEmpty()) {
            return notFound(id);
        }
        return "{\"node_id\":" + quote(id) + ",\"node\":" + state.get().toJson() + "}";
    }

    private String search(JsonNode req) {
        String pattern = req.path("pattern").asText(req.path("query").asText(""));
        if (pattern.isEmpty()) {
            throw new BadRequest("search needs a \"pattern\" (a part of a node id; * and ? are wildcards)");
        }
        int limit = Math.max(1, Math.min(req.path("limit").asInt(50), 1000));
        var matches = NodeLookup.pattern(pattern);
        List<Map<String, Object>> results = new ArrayList<>();
        for (String id : store.ids()) {
            if (matches.test(id)) {
                store.get(id).ifPresent(n -> {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("id", id);
                    r.put("type", n.nodeType().name().toLowerCase(Locale.ROOT));
                    r.put("signature", n.signature());
                    r.put("file", n.filePath());
                    r.put("line", n.startLine());
                    results.add(r);
                });
                if (results.size() >= limit) {
                    break;
                }
            }
        }
        return write(Map.of("pattern", pattern, "results", results));
    }

    /** {"query": an id or an unambiguous part} -> {"node_id", "node"}; ambiguity lists the candidates. */
    private String resolve(JsonNode req) {
        String query = req.path("query").asText("");
        if (query.isBlank()) {
            throw new BadRequest("resolve needs a \"query\": a node id or an unambiguous part of one");
        }
        try {
            NodeState n = NodeLookup.resolve(store, query);
            return "{\"node_id\":" + quote(n.id().toString()) + ",\"node\":" + n.toJson() + "}";
        } catch (NodeLookup.Ambiguous e) {
            return write(Map.of("error", "'" + query + "' is ambiguous", "code", "ambiguous", "query", query,
                    "candidates", e.candidates()));
        } catch (dev.nodestate.hub.HubException e) {
            return write(Map.of("error", e.getMessage(), "code", "not_found", "query", query));
        }
    }

    /** Every node id (grouped by file), for a client's completion. */
    private String ids() {
        return write(Map.of("ids", store.ids()));
    }

    private String relation(JsonNode req, String type) {
        String id = lookup(nodeId(req));
        Optional<NodeState> state = store.get(id);
        if (state.isEmpty()) {
            return notFound(id);
        }
        NodeState n = state.get();
        List<String> list = switch (type) {
            case "callers" -> n.callers();
            case "callees" -> n.callees();
            default -> n.relatedTests();
        };
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("node_id", id);
        o.put(type, list);
        if (list == null) {
            o.put("note", type + " not computed yet for this node");
        }
        var a = analysis;
        if (type.equals("callees") && a != null) {
            o.put("unresolved", a.index().unresolvedOf(id));
        }
        return write(o);
    }

    /** {"report": pytest output or JUnit XML, "source"?}: failure contexts, written to .agentfs/failures/ and traced. */
    private String failureContext(JsonNode req) {
        JsonNode report = req.get("report");
        if (report == null || !report.isTextual() || report.asText().isBlank()) {
            throw new BadRequest("failure_context needs \"report\": the text of a pytest output or a JUnit XML report");
        }
        var a = analysis;
        java.util.function.BiFunction<String, Integer, List<Map<String, Object>>> similar = a == null ? (id, k) -> List.of() : a::similar;
        var served = dev.nodestate.hub.failure.Failures.serve(root, store, freshness, similar, report.asText(),
                req.path("source").asText("socket"), requester(req));
        return dev.nodestate.hub.failure.Failures.json(root, served).toString();
    }

    private volatile dev.nodestate.hub.refs.CrossFileAnalysis analysis;
    private volatile ToolRequests toolRequests;

    void tools(ToolRequests tools) {
        synchronized (toolsArrived) {
            this.toolRequests = tools;
            toolsArrived.notifyAll();
        }
    }

    /** How long run_tool waits for a starting hub's tools unless the request says ({@code "wait_ms"}). */
    static final Duration TOOLS_WAIT = Duration.ofSeconds(90);

    private final Object toolsArrived = new Object();

    /**
     * run_tool: on a hub that is still starting, waits for its tools (up to {@code "wait_ms"}, default
     * {@link #TOOLS_WAIT}) and then runs; past the wait, a {@code "Starting"} refusal that says what the hub is doing.
     */
    private String runTool(JsonNode req) {
        long waitMs = Math.max(0, req.path("wait_ms").asLong(TOOLS_WAIT.toMillis()));
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        ToolRequests t;
        synchronized (toolsArrived) {
            while ((t = toolRequests) == null && probe.starting()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    String message = "the hub is " + probe.phase() + " (up " + Duration.between(started, clock.instant()).toSeconds()
                            + " s); run_tool runs once its tools are loaded: retry in a few seconds (`hub status` shows"
                            + " what it is doing), or run the tool with --in-process";
                    ObjectNode o = JSON.createObjectNode().put("ok", false).put("error", "Starting").put("message", message)
                            .put("describe", message).put("exit_code", dev.nodestate.hub.HubException.ExitCode.BUSY.code())
                            .put("phase", probe.phase());
                    return o.toString();
                }
                try {
                    toolsArrived.wait(Math.min(left, 200)); // polls starting(): a hub that stops starting wakes no one
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return error("run_tool interrupted while the hub was starting");
                }
            }
        }
        return t == null ? ToolRequests.none() : t.run(req);
    }

    private volatile RulesRequests rulesRequests;

    void rules(RulesRequests rules) {
        this.rulesRequests = rules;
    }

    /** rules_explain ({@link RulesRequests}): the hub's last good rules on a node's last change. */
    private String rulesExplain(JsonNode req) {
        RulesRequests r = rulesRequests;
        return r == null ? RulesRequests.none() : r.explain(req);
    }

    void analysis(dev.nodestate.hub.refs.CrossFileAnalysis analysis) {
        this.analysis = analysis;
    }

    /** {"node_id", "k" (default 5, at most 100)}: the most similar nodes with cosine scores. */
    private String similar(JsonNode req) {
        String id = lookup(nodeId(req));
        if (!store.contains(id)) {
            return notFound(id);
        }
        int k = Math.max(1, Math.min(100, req.path("k").asInt(5)));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("node_id", id);
        var a = analysis;
        if (a == null) {
            o.put("similar", List.of());
            o.put("note", "this hub keeps no similarity index; nothing to return");
        } else {
            o.put("similar", a.similar(id, k));
            o.put("vector", dev.nodestate.hub.lang.SemanticVector.VERSION);
        }
        return write(o);
    }

    /** HubContextBlob of one node ({"node_id"}) or several ({"node_ids"}); always traced. */
    private String context(JsonNode req) {
        String requester = requester(req);
        if (req.has("node_ids")) {
            List<String> ids = idList(req, "node_ids");
            Map<String, NodeState> found = store.getMany(ids);
            Map<String, HubContextBlob> blobs = new LinkedHashMap<>();
            for (String asked : ids) {
                String id = found.containsKey(asked) ? asked : lookup(asked);
                NodeState n = id.equals(asked) ? found.get(asked) : store.get(id).orElse(null);
                HubContextBlob b = blob(id, n);
                trace("context", id, b, requester);
                blobs.put(asked, b); // keyed as asked: the blob's node_id is the full id
            }
            return write(Map.of("contexts", blobs));
        }
        String asked = nodeId(req);
        String id = lookup(asked);
        HubContextBlob b = blob(id, store.get(id).orElse(null));
        trace("context", id, b, requester);
        return id.equals(asked) ? write(Map.of("context", b)) : write(Map.of("context", b, "resolved_from", asked));
    }

    private String hint(JsonNode req) {
        String id = nodeId(req);
        JsonNode facts = req.get("facts");
        if (facts == null || !facts.isObject()) {
            throw new BadRequest("a hint needs \"facts\": a JSON object (got " + (facts == null ? "nothing" : facts.getNodeType()
                    .name().toLowerCase(Locale.ROOT)) + ")");
        }
        JsonNode reason = req.get("reason");
        if (reason != null && !reason.isTextual() && !reason.isNull()) {
            throw new BadRequest("a hint's \"reason\" is a string");
        }
        String file = NodeId.parse(id).file();
        boolean queued = hints.offer(new HintQueue.Hint(id, file, facts, reason == null ? null : reason.asText(null),
                requester(req), clock.instant()));
        if (!queued) {
            return error("busy, hint dropped: the hint queue is full; try again later");
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("status", "queued");
        o.put("node_id", id);
        o.put("refresh", file);
        o.put("note", "hints are recorded and trigger a refresh of the file; they never write node fields");
        return write(o);
    }

    /** The node's context blob, with its file's recorded problem (a syntax error of the current content) if any. */
    private HubContextBlob blob(String id, NodeState n) {
        return freshness.blob(id, n, n == null ? null : store.getFileIndex(n.filePath()).filter(f -> f.error() != null).orElse(null));
    }

    /** One context trace line, written by hand: this runs for every request (Jackson's bean path cost the most CPU). */
    private void trace(String type, String id, HubContextBlob b, String requester) {
        StringBuilder line = new StringBuilder(256).append("{\"ts\":\"").append(clock.instant())
                .append("\",\"type\":").append(quote(type))
                .append(",\"node_id\":").append(quote(id))
                .append(",\"hub_state_key\":").append(b.hubStateKey() == null ? "null" : quote(b.hubStateKey()))
                .append(",\"hub_last_updated\":").append(b.lastUpdated() == null ? "null" : "\"" + b.lastUpdated() + "\"")
                .append(",\"freshness_status\":").append(quote(b.freshnessStatus()))
                .append(",\"requester\":").append(quote(requester)).append('}');
        contextTrace.appendLine(line.toString());
    }

    private static String requester(JsonNode req) {
        JsonNode r = req.get("requester");
        return r != null && r.isTextual() && !r.asText().isBlank() ? r.asText() : "unknown";
    }

    /**
     * {@code id} when a node has it, else the node it abbreviates ({@code add}, {@code Calculator.add}: the rule of
     * {@code hub show}, {@link NodeLookup}), else {@code id} (the caller answers not found / missing). An ambiguous
     * abbreviation is a bad request naming the candidates.
     */
    private String lookup(String id) {
        if (store.contains(id)) {
            return id;
        }
        try {
            return NodeLookup.resolve(store.ids(), id);
        } catch (NodeLookup.Ambiguous e) {
            throw new BadRequest("'" + id + "' is ambiguous (" + e.candidates().size() + " nodes): "
                    + String.join(", ", e.candidates().stream().limit(10).toList()) + (e.candidates().size() > 10 ? ", ..." : "")
                    + "; use a full id");
        } catch (RuntimeException notFound) {
            return id;
        }
    }

    private static String nodeId(JsonNode req) {
        JsonNode id = req.get("node_id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new BadRequest("\"" + req.path("type").asText() + "\" needs \"node_id\": a node id such as pkg/mod.py::Class.method");
        }
        try {
            return NodeId.parse(id.asText()).toString();
        } catch (IllegalArgumentException e) {
            throw new BadRequest("bad node_id " + id + ": " + e.getMessage());
        }
    }

    /** A list of node ids; every bad shape gets the same message, naming what was sent instead. */
    private static List<String> idList(JsonNode req, String field) {
        JsonNode ids = req.get(field);
        if (ids == null || !ids.isArray()) {
            throw badIdList(req, field, ids == null ? "nothing" : kind(ids));
        }
        List<String> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            JsonNode id = ids.get(i);
            if (!id.isTextual() || id.asText().isBlank()) {
                throw badIdList(req, field, "a list whose item " + i + " is " + (id.isTextual() ? "an empty string" : kind(id)));
            }
            out.add(id.asText());
        }
        return out;
    }

    private static BadRequest badIdList(JsonNode req, String field, String got) {
        return new BadRequest("\"" + req.path("type").asText() + "\" needs \"" + field
                + "\": a list of node id strings, e.g. [\"pkg/mod.py::Class.method\"] (got " + got + ")");
    }

    /** A JSON value's kind in plain words (never a Jackson class name). */
    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + n.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String notFound(String id) {
        return write(Map.of("error", "no node " + id + " in this hub", "code", "not_found", "node_id", id));
    }

    private static String quote(String s) {
        return '"' + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a reply: " + e.getOriginalMessage(), e);
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
