package dev.nodestate.hub.store;

/**
 * The identity of a code node: a repo-relative file and a qualified name inside it.
 *
 * <p>Formatted as {@code relative/path.py::Class.method}; Java overloads carry their parameter
 * types, {@code src/Foo.java::Foo.bar(int,String)}. The module (or compilation unit) itself has
 * an empty qualified name and is formatted as the bare file path. The store key is
 * {@code node:} followed by the id.
 *
 * @param file repo-relative path with {@code /} separators, never absolute, never {@code ..}
 * @param name qualified name inside the file; empty for the module node
 */
public record NodeId(String file, String name) {

    static final String SEPARATOR = "::";
    static final String KEY_PREFIX = "node:";

    public NodeId {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("a node id needs a file; got " + quote(file) + " for name " + quote(name));
        }
        if (file.startsWith("/") || file.contains("\\") || file.contains(SEPARATOR)
                || ("/" + file + "/").contains("/../") || ("/" + file + "/").contains("/./")) {
            throw new IllegalArgumentException("node id file " + quote(file)
                    + " must be repo-relative with '/' separators, without '..', '.' or '::' segments");
        }
        if (file.startsWith(KEY_PREFIX)) {
            throw new IllegalArgumentException(quote(file) + " looks like a store key; pass the node id without '"
                    + KEY_PREFIX + "' (use NodeId.fromKey for keys)");
        }
        name = name == null ? "" : name;
        if (name.contains(SEPARATOR)) {
            throw new IllegalArgumentException("qualified name " + quote(name) + " in " + file + " must not contain '::'");
        }
    }

    /** The node for the whole file. */
    public static NodeId module(String file) {
        return new NodeId(file, "");
    }

    public static NodeId of(String file, String qualifiedName) {
        return new NodeId(file, qualifiedName);
    }

    /** Parses {@code path::Qualified.name}, or a bare path for a module node. */
    public static NodeId parse(String id) {
        if (id == null) {
            throw new IllegalArgumentException("node id is null");
        }
        int at = id.indexOf(SEPARATOR);
        return at < 0 ? module(id) : new NodeId(id.substring(0, at), id.substring(at + SEPARATOR.length()));
    }

    /** Parses a store key {@code node:{id}}. */
    public static NodeId fromKey(String key) {
        if (key == null || !key.startsWith(KEY_PREFIX)) {
            throw new IllegalArgumentException("store key " + quote(key) + " does not start with '" + KEY_PREFIX + "'");
        }
        return parse(key.substring(KEY_PREFIX.length()));
    }

    /** The store key of an id string, validating it on the way. */
    public static String keyOf(String id) {
        return parse(id).key();
    }

    public boolean isModule() {
        return name.isEmpty();
    }

    /** A member of this node: {@code Foo} then {@code bar(int)} gives {@code Foo.bar(int)}. */
    public NodeId child(String member) {
        if (member == null || member.isEmpty()) {
            throw new IllegalArgumentException("member name of " + this + " is empty");
        }
        return new NodeId(file, isModule() ? member : name + "." + member);
    }

    public String key() {
        return KEY_PREFIX + this;
    }

    /** The formatted id; {@link #parse} reverses it. */
    @Override
    public String toString() {
        return isModule() ? file : file + SEPARATOR + name;
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
