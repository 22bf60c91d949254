package dev.nodestate.hub.store;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Transaction;
import jetbrains.exodus.io.WatchingFileDataReaderWriterProvider;

/**
 * The node states and file index of one repository, in Xodus under
 * {@code <repo>/.agentfs/hub_state/}. Ids are {@link NodeId} strings ({@code path.py::Class.method});
 * files are repo-relative paths.
 *
 * <p>One process owns the store for writing ({@link #open}); a second one gets a
 * {@link ExitCode#BUSY} HubException naming the owner's pid. Any number of processes may
 * {@link #openReadOnly} it, also while the owner runs: they follow its commits.
 *
 * <p>No operation scans every node: per-file operations go through a file-to-ids index and
 * {@link #stats} reads tree sizes Xodus maintains in the writing transaction. Every method is one
 * transaction; the store is safe to share between threads. Xodus may rerun a writing transaction
 * that conflicts with another thread's, so functions passed to {@link #update} must be pure.
 */
public final class NodeStore implements AutoCloseable {

    /** Number of stored nodes and of files with an index entry. */
    public record Stats(long nodes, long files) {
    }

    /** What {@link #replaceFile} did, by node id. Unchanged nodes are in none of the lists. */
    public record Replaced(List<String> added, List<String> changed, List<String> removed) {
    }

    /** What {@link #gcOrphans} removed. */
    public record Orphans(List<String> files, List<String> nodeIds) {
    }

    private interface Work<T> {
        T run(Tables tables, Transaction txn);
    }

    private final Path directory;
    private final Environment env;
    private final Tables tables; // null when read-only: stores are reopened per transaction to follow the writer

    private NodeStore(Path directory, Environment env, Tables tables) {
        this.directory = directory;
        this.env = env;
        this.tables = tables;
    }

    public static Path stateDir(Path repoRoot) {
        return repoRoot.resolve(".agentfs").resolve("hub_state");
    }

    /**
     * Writes {@code .agentfs/.gitignore} holding {@code *} when it is missing, so git (and tools that read
     * .gitignore) leave the hub's state, pages, traces and socket out of the repository. An existing file is
     * the user's: left alone.
     */
    static void ignoreInVcs(Path agentfs) {
        Path ignore = agentfs.resolve(".gitignore");
        if (Files.exists(ignore)) {
            return;
        }
        try {
            Files.writeString(ignore, "# written by the node state hub: everything here is generated\n*\n");
        } catch (IOException e) {
            System.err.println("hub: cannot write " + ignore + " (" + e.getMessage() + "); add .agentfs/ to your .gitignore");
        }
    }

    /** Opens (creating if needed) the store of {@code repoRoot} for reading and writing. */
    public static NodeStore open(Path repoRoot) {
        Path root = repoRoot.toAbsolutePath().normalize();
        Path dir;
        try {
            dir = Files.createDirectories(stateDir(root)).toRealPath();
        } catch (IOException e) {
            throw new HubException(ExitCode.FAILURE, "cannot create the node store directory " + stateDir(root) + ": " + e, e);
        }
        ignoreInVcs(stateDir(root).getParent());
        StoreLock.claim(dir);
        try {
            Environment env;
            try {
                env = Environments.newInstance(dir.toFile(), new EnvironmentConfig());
            } catch (RuntimeException e) {
                throw StoreLock.diagnose(dir, root, e);
            }
            try {
                Tables tables = env.computeInTransaction(txn -> {
                    Tables t = Tables.open(env, txn);
                    checkSchema(dir, t.schema(txn));
                    t.setSchema(txn);
                    return t;
                });
                return new NodeStore(dir, env, tables);
            } catch (RuntimeException e) {
                env.close();
                throw e;
            }
        } catch (RuntimeException e) {
            StoreLock.release(dir);
            throw e;
        }
    }

    /**
     * Opens the store read-only, whether or not a hub holds it. Uses Xodus' watching reader, which
     * takes no lock and follows the files the writer appends; reads see the latest commit.
     */
    public static NodeStore openReadOnly(Path repoRoot) {
        Path root = repoRoot.toAbsolutePath().normalize();
        Path dir = stateDir(root);
        if (!hasLog(dir)) {
            throw new HubException(ExitCode.NOT_FOUND, "no node store at " + dir
                    + " yet; start the hub in " + root + " to build it");
        }
        Environment env;
        try {
            env = Environments.newInstance(dir.toFile(), new EnvironmentConfig()
                    .setEnvIsReadonly(true)
                    .setEnvReadonlyEmptyStores(true)
                    .setLogDataReaderWriterProvider(WatchingFileDataReaderWriterProvider.class.getName()));
        } catch (RuntimeException e) {
            throw new HubException(ExitCode.FAILURE, "cannot open the node store at " + dir + " read-only: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        NodeStore store = new NodeStore(dir, env, null);
        try {
            store.read((t, txn) -> {
                int schema = t.schema(txn);
                if (schema != -1) {
                    checkSchema(dir, schema);
                }
                return null;
            });
            return store;
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    public boolean isReadOnly() {
        return tables == null;
    }

    public Optional<NodeState> get(String id) {
        return Optional.ofNullable(read((t, txn) -> t.node(txn, id)));
    }

    /** The stored states of {@code ids}, in the order asked; missing ids are left out. */
    /** A node as stored: its state and its JSON (the bytes in the store, not re-encoded). */
    public record Stored(NodeState state, String json) {
    }

    /**
     * As {@link #getMany}, with each node's stored JSON. For servers answering the same nodes over and
     * over: a node whose bytes did not change since the last call is not decoded again.
     */
    public Map<String, Stored> getManyStored(Collection<String> ids) {
        return read((t, txn) -> {
            Map<String, Stored> found = new LinkedHashMap<>();
            for (String id : ids) {
                jetbrains.exodus.ByteIterable v = t.rawNode(txn, id);
                if (v == null) {
                    continue;
                }
                String json = new String(v.getBytesUnsafe(), 0, v.getLength(), java.nio.charset.StandardCharsets.UTF_8);
                Stored cached = decoded.get(id);
                if (cached == null || !cached.json().equals(json)) {
                    cached = new Stored(Codec.read(json, NodeState.class), json);
                    if (decoded.size() >= DECODED_MAX) {
                        decoded.clear(); // a simple bound: the hot set refills at once
                    }
                    decoded.put(id, cached);
                }
                found.put(id, cached);
            }
            return found;
        });
    }

    private static final int DECODED_MAX = 20_000;
    private final java.util.concurrent.ConcurrentHashMap<String, Stored> decoded = new java.util.concurrent.ConcurrentHashMap<>();

    public Map<String, NodeState> getMany(Collection<String> ids) {
        return read((t, txn) -> {
            Map<String, NodeState> found = new LinkedHashMap<>();
            for (String id : ids) {
                NodeState state = t.node(txn, id);
                if (state != null) {
                    found.put(id, state);
                }
            }
            return found;
        });
    }

    /** Stores a state, adding or replacing the node; an indexed file's node_count follows. */
    public void set(NodeState state) {
        byte[] json = Codec.bytes(state);
        write((t, txn) -> {
            if (t.putNode(txn, state, json) == Tables.Put.ADDED) {
                t.recount(txn, state.filePath());
            }
            return null;
        });
    }

    /**
     * Replaces a stored state with {@code change} applied to it, atomically. Returns the new state,
     * or empty when there is no node {@code id} (nothing is written). {@code change} must not change
     * the key and must be pure (it may run more than once).
     */
    public Optional<NodeState> update(String id, UnaryOperator<NodeState> change) {
        NodeId.parse(id);
        return Optional.ofNullable(write((t, txn) -> {
            NodeState old = t.node(txn, id);
            if (old == null) {
                return null;
            }
            NodeState next = change.apply(old);
            if (next == null || !next.key().equals(old.key())) {
                throw new IllegalArgumentException("an update of " + old.key() + " returned "
                        + (next == null ? "null" : "key " + next.key()) + "; updates must keep the node's key");
            }
            t.putNode(txn, next, Codec.bytes(next));
            return next;
        }));
    }

    /**
     * Updates several nodes in one transaction (all or none); nodes that are not stored are
     * skipped. Returns the new states of the nodes that were updated.
     */
    public List<NodeState> updateMany(Map<String, UnaryOperator<NodeState>> changes) {
        changes.keySet().forEach(NodeId::parse);
        return write((t, txn) -> {
            List<NodeState> out = new ArrayList<>();
            for (var entry : changes.entrySet()) {
                NodeState old = t.node(txn, entry.getKey());
                if (old == null) {
                    continue;
                }
                NodeState next = entry.getValue().apply(old);
                if (next == null || !next.key().equals(old.key())) {
                    throw new IllegalArgumentException("an update of " + old.key() + " returned "
                            + (next == null ? "null" : "key " + next.key()) + "; updates must keep the node's key");
                }
                t.putNode(txn, next, Codec.bytes(next));
                out.add(next);
            }
            return out;
        });
    }

    /**
     * Replaces some fields, named by their JSON names ({@code {"complexity": 4, "callers": [...]}});
     * see {@link NodeState#with}. Returns the new state, or empty when there is no node {@code id}.
     */
    public Optional<NodeState> update(String id, Map<String, ?> changes) {
        return update(id, state -> state.with(changes));
    }

    public boolean delete(String id) {
        NodeId nodeId = NodeId.parse(id);
        return write((t, txn) -> {
            boolean removed = t.deleteNode(txn, nodeId);
            if (removed) {
                t.recount(txn, nodeId.file());
            }
            return removed;
        });
    }

    /** The nodes of one file, in id order. */
    public List<NodeState> byFile(String file) {
        NodeId.module(file);
        return read((t, txn) -> {
            List<NodeState> states = new ArrayList<>();
            for (String id : t.ids(txn, file)) {
                NodeState state = t.node(txn, id);
                if (state == null) {
                    throw new IllegalStateException("the file index of " + directory + " lists " + id
                            + " under " + file + " but the node is missing");
                }
                states.add(state);
            }
            return states;
        });
    }

    /** Forgets a file: removes its nodes and its index entry. Returns the removed node ids. */
    public List<String> invalidateFile(String file) {
        NodeId.module(file);
        return write((t, txn) -> t.forgetFile(txn, file));
    }

    /**
     * Makes the stored nodes of one file exactly {@code nodes} and its index entry {@code index}, in
     * one transaction: nodes no longer present are removed, new and changed ones written (identical
     * ones skipped), node_count set to {@code nodes.size()}. Every node must belong to the file.
     */
    public Replaced replaceFile(FileIndex index, List<NodeState> nodes) {
        return replaceFile(index, nodes, null);
    }

    /**
     * As {@link #replaceFile(FileIndex, List)}, also keeping {@code text} (when not null) as the file's
     * last indexed text in the same transaction, for diffing the next change.
     */
    public Replaced replaceFile(FileIndex index, List<NodeState> nodes, String text) {
        return replaceFile(index, nodes, text, null);
    }

    /**
     * As above; when {@code keep} is given, each new node that is already stored is first merged
     * with the stored state inside the transaction ({@code keep.apply(stored, fresh)}), so fields
     * another writer set since the caller read them (a tool's callers, say) are not lost.
     */
    public Replaced replaceFile(FileIndex index, List<NodeState> nodes, String text,
            java.util.function.BinaryOperator<NodeState> keep) {
        String file = index.filePath();
        Map<String, NodeState> byId = new LinkedHashMap<>();
        for (NodeState state : nodes) {
            if (!state.filePath().equals(file)) {
                throw new IllegalArgumentException("replaceFile(" + file + ") got node " + state.key()
                        + " of another file, " + state.filePath());
            }
            if (byId.put(state.id().toString(), state) != null) {
                throw new IllegalArgumentException("replaceFile(" + file + ") got node " + state.key() + " twice");
            }
        }
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        if (keep == null) {
            byId.forEach((id, state) -> encoded.put(id, Codec.bytes(state)));
        }
        FileIndex counted = index.withNodeCount(nodes.size());
        return write((t, txn) -> {
            List<String> removed = new ArrayList<>();
            for (String id : t.ids(txn, file)) {
                if (!byId.containsKey(id)) {
                    t.deleteNode(txn, NodeId.parse(id));
                    removed.add(id);
                }
            }
            List<String> added = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            for (var entry : byId.entrySet()) {
                NodeState state = entry.getValue();
                byte[] json = encoded.get(entry.getKey());
                if (json == null) {
                    NodeState stored = t.node(txn, entry.getKey());
                    state = stored == null ? state : keep.apply(stored, state);
                    json = Codec.bytes(state);
                }
                switch (t.putNode(txn, state, json)) {
                    case ADDED -> added.add(entry.getKey());
                    case CHANGED -> changed.add(entry.getKey());
                    case UNCHANGED -> { }
                }
            }
            t.putIndex(txn, counted);
            if (text != null) {
                t.putText(txn, file, text);
            }
            return new Replaced(added, changed, removed);
        });
    }

    /**
     * Forgets every file the store knows (indexed, or holding nodes) for which {@code exists} is
     * false, e.g. {@code f -> Files.exists(repoRoot.resolve(f))}. The test runs outside the
     * transaction; the removal is one transaction. Costs the number of files, not of nodes.
     */
    public Orphans gcOrphans(Predicate<String> exists) {
        List<String> gone = read(Tables::knownFiles).stream().filter(exists.negate()).toList();
        if (gone.isEmpty()) {
            return new Orphans(List.of(), List.of());
        }
        List<String> ids = write((t, txn) -> {
            List<String> removed = new ArrayList<>();
            for (String file : gone) {
                removed.addAll(t.forgetFile(txn, file));
            }
            return removed;
        });
        return new Orphans(gone, ids);
    }

    /** The file's text when it was last indexed, if the hub kept it. */
    public Optional<String> fileText(String file) {
        return Optional.ofNullable(read((t, txn) -> t.fileText(txn, file)));
    }

    /** Keeps each node's last change (JSON), in one transaction; ids of nodes not stored are skipped. */
    public void putLastChanges(Map<String, String> changesById) {
        write((t, txn) -> {
            changesById.forEach((id, json) -> {
                if (t.node(txn, id) != null) {
                    t.changes().put(txn, Tables.text(NodeId.parse(id).toString()), Tables.text(json));
                }
            });
            return null;
        });
    }

    /** The node's last change as stored by {@link #putLastChanges}. */
    public Optional<String> lastChange(String id) {
        return Optional.ofNullable(read((t, txn) -> {
            var v = t.changes().get(txn, Tables.text(NodeId.parse(id).toString()));
            return v == null ? null : jetbrains.exodus.bindings.StringBinding.entryToString(v);
        }));
    }

    /**
     * Stores reference tables (a null table forgets the file's) and updates nodes, all in one
     * transaction; nodes that are not stored are skipped. Returns the new states of updated nodes.
     */
    public List<NodeState> applyReferences(Map<String, String> tables, Map<String, UnaryOperator<NodeState>> changes) {
        changes.keySet().forEach(NodeId::parse);
        return write((t, txn) -> {
            tables.forEach((file, json) -> t.putReferences(txn, file, json));
            List<NodeState> out = new ArrayList<>();
            for (var entry : changes.entrySet()) {
                NodeState old = t.node(txn, entry.getKey());
                if (old != null) {
                    NodeState next = entry.getValue().apply(old);
                    if (t.putNode(txn, next, Codec.bytes(next)) != Tables.Put.UNCHANGED) {
                        out.add(next);
                    }
                }
            }
            return out;
        });
    }

    /** Every stored reference table (JSON), by file. */
    public Map<String, String> referenceTables() {
        return read(Tables::allReferences);
    }

    /** The ids of one file's nodes, in id order (reads the per-file index only). */
    public List<String> idsOf(String file) {
        NodeId.module(file);
        return read((t, txn) -> t.ids(txn, file));
    }

    /** Whether a node with this id is stored (reads the key only). */
    public boolean contains(String id) {
        return read((t, txn) -> t.rawNode(txn, id) != null);
    }

    public Stats stats() {
        return read((t, txn) -> new Stats(t.nodes().count(txn), t.files().count(txn)));
    }

    public Optional<FileIndex> getFileIndex(String file) {
        NodeId.module(file);
        return Optional.ofNullable(read((t, txn) -> t.index(txn, file)));
    }

    /** Stores a file's index entry; its node_count is set to the number of stored nodes of the file. */
    public void setFileIndex(FileIndex index) {
        write((t, txn) -> {
            t.putIndex(txn, index.withNodeCount(t.ids(txn, index.filePath()).size()));
            return null;
        });
    }

    /** Removes a file's index entry only (its nodes stay); see {@link #invalidateFile}. */
    public boolean removeFileIndex(String file) {
        NodeId.module(file);
        return write((t, txn) -> t.files().delete(txn, Tables.text(file)));
    }

    /** Every node id (an immutable list), grouped by file, for searches (`hub find`, abbreviated ids); reads no node values. */
    public List<String> ids() {
        return read((t, txn) -> {
            // the log's high address moves with every commit (ours or, read-only, the owner's): an unchanged
            // address means an unchanged id list. Measured on the stdlib tree (18k ids): reading them took
            // 40 ms per call on a loaded machine, which made every abbreviated `show` slow.
            long version = ((jetbrains.exodus.env.TransactionBase) txn).getHighAddress();
            IdList cached = idList;
            if (cached == null || cached.version() != version) {
                cached = new IdList(version, List.copyOf(t.allIds(txn)));
                idList = cached;
            }
            return cached.ids();
        });
    }

    private record IdList(long version, List<String> ids) {
    }

    private volatile IdList idList;

    /** Files with an index entry, sorted. */
    public List<String> allIndexedFiles() {
        return read(Tables::indexedFiles);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!env.isOpen()) {
                return;
            }
            env.close();
        }
        if (!isReadOnly()) {
            StoreLock.release(directory);
        }
    }

    private <T> T read(Work<T> work) {
        requireOpen();
        return env.computeInReadonlyTransaction(txn -> work.run(tables != null ? tables : Tables.open(env, txn), txn));
    }

    private <T> T write(Work<T> work) {
        requireOpen();
        if (isReadOnly()) {
            throw new HubException(ExitCode.FAILURE, "the node store at " + directory
                    + " is open read-only; changes go through the hub that owns it");
        }
        return env.computeInTransaction(txn -> work.run(tables, txn));
    }

    private void requireOpen() {
        if (!env.isOpen()) {
            throw new IllegalStateException("the node store at " + directory + " is closed");
        }
    }

    private static void checkSchema(Path dir, int schema) {
        if (schema != -1 && schema != Tables.SCHEMA) {
            throw new HubException(ExitCode.FAILURE, "the node store at " + dir + " has layout version " + schema
                    + " but this hub reads version " + Tables.SCHEMA + "; move it aside and the hub rebuilds it");
        }
    }

    private static boolean hasLog(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".xd"));
        } catch (IOException e) {
            return false;
        }
    }
}
