package dev.nodestate.hub.repl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.serve.HubClient;
import dev.nodestate.hub.store.NodeLookup;
import dev.nodestate.hub.store.NodeState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Answers from the running hub, over its socket (one kept NDJSON connection). */
final class SocketBackend implements Backend {

    private final Path root;
    private final HubClient client;
    private final String mode;

    SocketBackend(Path root, HubClient client) {
        this.root = root;
        this.client = client;
        JsonNode s = client.status().orElse(null);
        this.mode = "connected to the hub running on " + root + (s == null ? "" : " (pid " + s.path("pid").asLong() + ")")
                + " over " + client.socket();
    }

    @Override
    public java.util.Optional<JsonNode> runTool(Map<String, ?> request) {
        return HubClient.runInHub(root, request);
    }

    @Override
    public String mode() {
        return mode;
    }

    private synchronized JsonNode ask(Map<String, ?> request) {
        return client.request(request).orElseThrow(() -> new HubException(ExitCode.FAILURE,
                "the hub on " + client.socket() + " did not answer " + request.get("type")
                        + " (stopped?); `status` checks it, restarting the REPL opens the store instead"));
    }

    private JsonNode checked(Map<String, ?> request) {
        JsonNode reply = ask(request);
        if (reply.has("error")) {
            ExitCode code = "not_found".equals(reply.path("code").asText()) ? ExitCode.NOT_FOUND : ExitCode.FAILURE;
            throw new HubException(code, reply.path("error").asText());
        }
        return reply;
    }

    @Override
    public NodeState resolve(String query) {
        JsonNode reply = ask(Map.of("type", "resolve", "query", query));
        if ("ambiguous".equals(reply.path("code").asText())) {
            List<String> candidates = new ArrayList<>();
            reply.path("candidates").forEach(c -> candidates.add(c.asText()));
            throw new NodeLookup.Ambiguous(query, candidates);
        }
        if (reply.has("error")) {
            throw new HubException("not_found".equals(reply.path("code").asText()) ? ExitCode.NOT_FOUND : ExitCode.FAILURE,
                    reply.path("error").asText());
        }
        return NodeState.fromJson(reply.get("node").toString());
    }

    @Override
    public List<Hit> find(String pattern, int limit) {
        JsonNode reply = checked(Map.of("type", "search", "pattern", pattern, "limit", limit));
        List<Hit> hits = new ArrayList<>();
        for (JsonNode r : reply.path("results")) {
            hits.add(new Hit(r.path("id").asText(), r.path("type").asText(), r.path("signature").asText(null),
                    r.path("file").asText(), r.path("line").asInt()));
        }
        return hits;
    }

    @Override
    public JsonNode context(String id) {
        return checked(Map.of("type", "context", "node_id", id, "requester", "repl")).path("context");
    }

    @Override
    public List<String> unresolved(String id) {
        List<String> out = new ArrayList<>();
        checked(Map.of("type", "callees", "node_id", id)).path("unresolved").forEach(t -> out.add(t.asText()));
        return out;
    }

    @Override
    public JsonNode similar(String id) {
        return checked(Map.of("type", "similar", "node_id", id));
    }

    @Override
    public JsonNode status() {
        return checked(Map.of("type", "status"));
    }

    @Override
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        checked(Map.of("type", "ids")).path("ids").forEach(i -> ids.add(i.asText()));
        return ids;
    }

    Path root() {
        return root;
    }

    @Override
    public void close() {
        client.close();
    }
}
