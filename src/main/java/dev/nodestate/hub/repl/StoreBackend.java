package dev.nodestate.hub.repl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.serve.Freshness;
import dev.nodestate.hub.store.NodeLookup;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** Answers from the node store itself, when no hub runs. */
final class StoreBackend implements Backend {

    private final Path root;
    private final NodeStore store;
    private final String mode;
    private final Freshness freshness;

    StoreBackend(Path root, NodeStore store, String mode) {
        this.root = root;
        this.store = store;
        this.mode = mode;
        this.freshness = Freshness.forRepo(root);
    }

    /** The store of {@code root}: for writing when asked and free, else read-only (following its owner's commits). */
    static StoreBackend open(Path root, boolean writable) {
        if (!Files.isDirectory(NodeStore.stateDir(root))) {
            throw new HubException(ExitCode.NOT_FOUND, "no hub runs on " + root + " and it has no node store yet;"
                    + " index it first: `hub index --once " + root + "`");
        }
        if (writable) {
            try {
                return new StoreBackend(root, NodeStore.open(root), "no hub running: opened the store " + NodeStore.stateDir(root)
                        + " (read-write)");
            } catch (HubException e) {
                if (e.exitCode() != ExitCode.BUSY) {
                    throw e;
                }
                return new StoreBackend(root, NodeStore.openReadOnly(root), "the store is held by another process ("
                        + e.getMessage().lines().findFirst().orElse("") + "): opened it read-only");
            }
        }
        return new StoreBackend(root, NodeStore.openReadOnly(root), "no hub running: opened the store "
                + NodeStore.stateDir(root) + " read-only");
    }

    @Override
    public String mode() {
        return mode;
    }

    @Override
    public NodeState resolve(String query) {
        return NodeLookup.resolve(store, query);
    }

    @Override
    public List<Hit> find(String pattern, int limit) {
        Predicate<String> matches = NodeLookup.pattern(pattern);
        List<String> ids = new ArrayList<>();
        for (String id : store.ids()) {
            if (matches.test(id)) {
                ids.add(id);
                if (ids.size() >= limit) {
                    break;
                }
            }
        }
        List<Hit> hits = new ArrayList<>();
        for (NodeState n : store.getMany(ids).values()) {
            hits.add(new Hit(n.id().toString(), n.nodeType().name().toLowerCase(Locale.ROOT), n.signature(), n.filePath(),
                    n.startLine() == null ? 0 : n.startLine()));
        }
        return hits;
    }

    @Override
    public JsonNode context(String id) {
        var n = store.get(id).orElse(null);
        return ReplCommands.JSON.valueToTree(freshness.blob(id, n,
                n == null ? null : store.getFileIndex(n.filePath()).filter(f -> f.error() != null).orElse(null)));
    }

    @Override
    public List<String> unresolved(String id) {
        return analysis().index().unresolvedOf(id);
    }

    /** The stored references and the similarity index, loaded on first use. */
    private synchronized dev.nodestate.hub.refs.CrossFileAnalysis analysis() {
        if (analysis == null) {
            analysis = new dev.nodestate.hub.refs.CrossFileAnalysis(store, null);
        }
        return analysis;
    }

    @Override
    public JsonNode similar(String id) {
        ObjectNode o = ReplCommands.JSON.createObjectNode().put("node_id", id);
        o.set("similar", ReplCommands.JSON.valueToTree(analysis().similar(id, 10)));
        o.put("vector", dev.nodestate.hub.lang.SemanticVector.VERSION);
        return o;
    }

    private dev.nodestate.hub.refs.CrossFileAnalysis analysis;

    @Override
    public JsonNode status() {
        NodeStore.Stats s = store.stats();
        return ReplCommands.JSON.createObjectNode().put("running", false).put("root", root.toString())
                .put("store", store.directory().toString()).put("read_only", store.isReadOnly())
                .put("files", s.files()).put("nodes", s.nodes());
    }

    @Override
    public List<String> ids() {
        return store.ids();
    }

    @Override
    public void close() {
        store.close();
    }
}
