package dev.nodestate.hub.refs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.index.Indexer;
import dev.nodestate.hub.store.NodeStore;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * What an indexing run hands the cross-file analysis that follows it ({@link CrossFileAnalysis#catchUp(ColdStart,
 * int, java.util.function.Consumer)}): the files it stored, and their {@code find_callees} tables, made in the same
 * batch as the extraction while the file's outline was cached, so that a cold index parses each file once.
 */
public final class ColdStart implements Indexer.Listener {

    final Set<String> changed = ConcurrentHashMap.newKeySet();
    final Map<String, JsonNode> tables = new ConcurrentHashMap<>();
    private final BooleanSupplier cancelled;

    public ColdStart() {
        this(() -> false);
    }

    /** A run that ends between files when {@code cancelled} says so (a hub stopping during its cold start). */
    public ColdStart(BooleanSupplier cancelled) {
        this.cancelled = cancelled;
    }

    @Override
    public boolean cancelled() {
        return cancelled.getAsBoolean();
    }

    @Override
    public String referencesTool() {
        return CrossFileAnalysis.CALLEES_TOOL;
    }

    @Override
    public void references(String path, JsonNode table) {
        tables.put(path, table);
    }

    @Override
    public void stored(Indexer.FileChange change, NodeStore.Replaced replaced) {
        if (!change.removed()) {
            changed.add(change.path());
        }
    }

    /** The files the run stored (re-extracted, not removed). */
    public Set<String> changed() {
        return Set.copyOf(changed);
    }
}
