package dev.nodestate.hub.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.bindings.IntegerBinding;
import jetbrains.exodus.bindings.StringBinding;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

/**
 * The Xodus stores of one environment and the operations inside a transaction.
 *
 * <ul>
 * <li>{@code nodes}: {@code node:{id}} to the NodeState as JSON;
 * <li>{@code nodes_by_file}: file to node id, with duplicates — the secondary index that makes
 * per-file lookups cost the file's nodes, not the whole store;
 * <li>{@code files}: file to its FileIndex as JSON;
 * <li>{@code texts}: file to its last indexed text (deflated UTF-8), so a change can be diffed
 * against what the hub saw before;
 * <li>{@code changes}: node id to its last change (the diff bundle as JSON), for {@code hub rules explain};
 * <li>{@code refs}: file to its reference table (deflated JSON from {@code find_callees}: the calls of
 * each of its nodes, unresolved), which the reference index resolves across files;
 * <li>{@code meta}: {@code schema} to the layout version.
 * </ul>
 * Counts come from the stores' own sizes, which Xodus keeps in each tree and updates in the same
 * transaction as the change, so {@code count} is O(1) and cannot drift from the data.
 */
record Tables(Store nodes, Store byFile, Store files, Store texts, Store changes, Store refs, Store meta) {

    static final int SCHEMA = 1;

    static Tables open(Environment env, Transaction txn) {
        return new Tables(
                env.openStore("nodes", StoreConfig.WITHOUT_DUPLICATES_WITH_PREFIXING, txn),
                env.openStore("nodes_by_file", StoreConfig.WITH_DUPLICATES_WITH_PREFIXING, txn),
                env.openStore("files", StoreConfig.WITHOUT_DUPLICATES_WITH_PREFIXING, txn),
                env.openStore("texts", StoreConfig.WITHOUT_DUPLICATES_WITH_PREFIXING, txn),
                env.openStore("changes", StoreConfig.WITHOUT_DUPLICATES_WITH_PREFIXING, txn),
                env.openStore("refs", StoreConfig.WITHOUT_DUPLICATES_WITH_PREFIXING, txn),
                env.openStore("meta", StoreConfig.WITHOUT_DUPLICATES, txn));
    }

    /** The layout version, or -1 for a new environment. */
    int schema(Transaction txn) {
        ByteIterable v = meta.get(txn, text("schema"));
        return v == null ? -1 : IntegerBinding.entryToInt(v);
    }

    void setSchema(Transaction txn) {
        meta.put(txn, text("schema"), IntegerBinding.intToEntry(SCHEMA));
    }

    /** The stored JSON of a node, or null. */
    ByteIterable rawNode(Transaction txn, String id) {
        return nodes.get(txn, text(NodeId.keyOf(id)));
    }

    NodeState node(Transaction txn, String id) {
        String key = NodeId.keyOf(id);
        ByteIterable v = nodes.get(txn, text(key));
        return v == null ? null : Codec.read(v.getBytesUnsafe(), v.getLength(), NodeState.class, key);
    }

    /** Stores the encoded state; returns whether the node is new, changed or unchanged. */
    Put putNode(Transaction txn, NodeState state, byte[] json) {
        ByteIterable key = text(state.key());
        ByteIterable old = nodes.get(txn, key);
        if (old != null && Arrays.equals(old.getBytesUnsafe(), 0, old.getLength(), json, 0, json.length)) {
            return Put.UNCHANGED;
        }
        nodes.put(txn, key, new ArrayByteIterable(json));
        if (old != null) {
            return Put.CHANGED;
        }
        byFile.put(txn, text(state.filePath()), text(NodeId.fromKey(state.key()).toString()));
        return Put.ADDED;
    }

    enum Put { ADDED, CHANGED, UNCHANGED }

    boolean deleteNode(Transaction txn, NodeId id) {
        if (!nodes.delete(txn, text(id.key()))) {
            return false;
        }
        changes.delete(txn, text(id.toString()));
        try (Cursor c = byFile.openCursor(txn)) {
            if (c.getSearchBoth(text(id.file()), text(id.toString()))) {
                c.deleteCurrent();
            }
        }
        return true;
    }

    /** The ids of a file's nodes, in id order, from the secondary index. */
    List<String> ids(Transaction txn, String file) {
        List<String> ids = new ArrayList<>();
        try (Cursor c = byFile.openCursor(txn)) {
            ByteIterable v = c.getSearchKey(text(file));
            while (v != null) {
                ids.add(StringBinding.entryToString(v));
                v = c.getNextDup() ? c.getValue() : null;
            }
        }
        return ids;
    }

    /** Removes a file's nodes and its index entry; returns the removed ids. */
    List<String> forgetFile(Transaction txn, String file) {
        List<String> ids = ids(txn, file);
        for (String id : ids) {
            nodes.delete(txn, text(NodeId.keyOf(id)));
            changes.delete(txn, text(id));
        }
        byFile.delete(txn, text(file));
        files.delete(txn, text(file));
        texts.delete(txn, text(file));
        refs.delete(txn, text(file));
        return ids;
    }

    FileIndex index(Transaction txn, String file) {
        ByteIterable v = files.get(txn, text(file));
        return v == null ? null : Codec.read(v.getBytesUnsafe(), v.getLength(), FileIndex.class, "file " + file);
    }

    void putIndex(Transaction txn, FileIndex index) {
        files.put(txn, text(index.filePath()), new ArrayByteIterable(Codec.bytes(index)));
    }

    /** Rewrites the file's index entry, if any, so node_count matches the stored nodes. */
    void recount(Transaction txn, String file) {
        FileIndex index = index(txn, file);
        if (index != null) {
            int count = ids(txn, file).size();
            if (count != index.nodeCount()) {
                putIndex(txn, index.withNodeCount(count));
            }
        }
    }

    /** Files with an index entry, sorted. */
    List<String> indexedFiles(Transaction txn) {
        List<String> out = new ArrayList<>();
        try (Cursor c = files.openCursor(txn)) {
            while (c.getNext()) {
                out.add(StringBinding.entryToString(c.getKey()));
            }
        }
        return out;
    }

    /** Every node id, grouped by file; reads the per-file index only, never node values. */
    List<String> allIds(Transaction txn) {
        List<String> out = new ArrayList<>();
        try (Cursor c = byFile.openCursor(txn)) {
            while (c.getNext()) {
                out.add(StringBinding.entryToString(c.getValue()));
            }
        }
        return out;
    }

    /** Every file the store knows: indexed or holding nodes. Costs the number of files. */
    TreeSet<String> knownFiles(Transaction txn) {
        TreeSet<String> out = new TreeSet<>(indexedFiles(txn));
        try (Cursor c = byFile.openCursor(txn)) {
            while (c.getNextNoDup()) {
                out.add(StringBinding.entryToString(c.getKey()));
            }
        }
        return out;
    }

    void putText(Transaction txn, String file, String content) {
        texts.put(txn, text(file), new ArrayByteIterable(Codec.deflate(content)));
    }

    String fileText(Transaction txn, String file) {
        ByteIterable v = texts.get(txn, text(file));
        return v == null ? null : Codec.inflate(v.getBytesUnsafe(), v.getLength(), "text of " + file);
    }

    void putReferences(Transaction txn, String file, String json) {
        if (json == null) {
            refs.delete(txn, text(file));
        } else {
            refs.put(txn, text(file), new ArrayByteIterable(Codec.deflate(json)));
        }
    }

    /** Every file's reference table, by file. */
    java.util.Map<String, String> allReferences(Transaction txn) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        try (Cursor c = refs.openCursor(txn)) {
            while (c.getNext()) {
                String file = StringBinding.entryToString(c.getKey());
                out.put(file, Codec.inflate(c.getValue().getBytesUnsafe(), c.getValue().getLength(), "references of " + file));
            }
        }
        return out;
    }

    static ByteIterable text(String s) {
        return StringBinding.stringToEntry(s);
    }
}
