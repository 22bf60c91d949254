package dev.nodestate.hub.repl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.serve.HubClient;
import dev.nodestate.hub.serve.SocketPath;
import dev.nodestate.hub.store.NodeState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the REPL's answers come from: a running hub over its socket, or the node store itself
 * when none runs. Both give the same answers; {@link #mode()} says which one is in use.
 */
sealed interface Backend extends AutoCloseable permits SocketBackend, StoreBackend {

    /** One search result. */
    record Hit(String id, String type, String signature, String file, int line) {
    }

    /** One line for the user: where the answers come from. */
    String mode();

    /** The node an id or an unambiguous part of one names; HubException (NOT_FOUND) or NodeLookup.Ambiguous otherwise. */
    NodeState resolve(String query);

    /** Node ids containing {@code pattern} (case-insensitive, * and ? wildcards), at most {@code limit}. */
    List<Hit> find(String pattern, int limit);

    /** The context blob of a node (HubContextBlob JSON: freshness included). */
    JsonNode context(String id);

    /** The calls of {@code id} that resolved to no node of the repository, as text. */
    List<String> unresolved(String id);

    /** Nodes similar to {@code id}, as the hub serves them ({"similar": [...], "note": ...}). */
    JsonNode similar(String id);

    /** Facts about the hub or the store (JSON object). */
    JsonNode status();

    /** Every node id, for completion. */
    List<String> ids();

    /** The running hub's run_tool reply, or empty when tools run here (no hub, or it cannot take the run). */
    default java.util.Optional<JsonNode> runTool(java.util.Map<String, ?> request) {
        return java.util.Optional.empty();
    }

    @Override
    void close();

    /**
     * The running hub of {@code root} when its socket answers, else the store: for writing when
     * {@code writable} and no other process holds it, else read-only.
     */
    static Backend open(Path root, boolean writable) {
        HubClient client = new HubClient(SocketPath.find(root), Duration.ofSeconds(5));
        if (client.healthy()) {
            return new SocketBackend(root, client);
        }
        client.close();
        return StoreBackend.open(root, writable);
    }
}
