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
 * abbreviated id, as {@code hub show} takes it), ids (every node id, for completion), run_tool ({@link ToolRequests}).
 */
final class Requests {

    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    static final List<String> TYPES = List.of("health", "status", "get_context", "get_node", "search", "callers",
            "callees", "tests", "similar", "context", "hint", "resolve", "ids", "run_tool", "failure_context");

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
        this.started = clock.instant();
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
                case "run_tool" -> {
                    ToolRequests t = toolRequests;
                    yield t == null ? ToolRequests.none() : t.run(req);
                }
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
        o.put("uptime_seconds", Duration.between(started, clock.instant()).toMillis() / 1000.0);
        o.put("files", s.files());
        o.put("nodes", s.nodes());
        o.put("last_update", probe.lastUpdate());
        o.put("queue_depth", probe.queueDepth());
        o.put("hints_queued", hints.depth());
        o.put("max_age_hours", freshness.maxAge().toMinutes() / 60.0);
        return write(o);
    }

    /** The seed's get_context: {"nodes": {id: NodeState}}; unknown ids are left out. Accepts "nodes" (the seed client) or "node_ids". */
    private String getContext(JsonNode req) {
        List<String> ids = idList(req, req.has("nodes") ? "nodes" : "node_ids");
        Map<String, NodeStore.Stored> found = store.getManyStored(ids);
        String requester = requester(req);
        StringBuilder sb = new StringBuilder(1024 * (found.size() + 1)).append("{\"nodes\":{");
        boolean first = true;
        for (String id : ids) {
            NodeStore.Stored stored = found.get(id);
            trace("get_context", id, freshness.blob(id, stored == null ? null : stored.state()), requester);
            if (stored == null) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(quote(id)).append(':').append(stored.json()); // the stored JSON is the state's JSON
        }
        return sb.append("}}").toString();
    }

    private String getNode(JsonNode req) {
        String id = nodeId(req);
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
        String id = nodeId(req);
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
        this.toolRequests = tools;
    }

    void analysis(dev.nodestate.hub.refs.CrossFileAnalysis analysis) {
        this.analysis = analysis;
    }

    /** {"node_id", "k" (default 5, at most 100)}: the most similar nodes with cosine scores. */
    private String similar(JsonNode req) {
        String id = nodeId(req);
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
            for (String id : ids) {
                HubContextBlob b = freshness.blob(id, found.get(id));
                trace("context", id, b, requester);
                blobs.put(id, b);
            }
            return write(Map.of("contexts", blobs));
        }
        String id = nodeId(req);
        HubContextBlob b = freshness.blob(id, store.get(id).orElse(null));
        trace("context", id, b, requester);
        return write(Map.of("context", b));
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

    private static List<String> idList(JsonNode req, String field) {
        JsonNode ids = req.get(field);
        if (ids == null || !ids.isArray()) {
            throw new BadRequest("\"" + req.path("type").asText() + "\" needs \"" + field + "\": a list of node ids");
        }
        List<String> out = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            if (!id.isTextual()) {
                throw new BadRequest("\"" + field + "\" holds a non-string: " + id);
            }
            out.add(id.asText());
        }
        return out;
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
