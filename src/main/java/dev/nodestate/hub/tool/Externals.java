package dev.nodestate.hub.tool;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The externals a host offers to tool runs, by name, each with the signature it documents. */
public final class Externals {

    record Entry(String signature, ExternalFunction function) {
    }

    private final Map<String, Entry> entries = new TreeMap<>();

    public Externals add(String name, String signature, ExternalFunction function) {
        entries.put(name, new Entry(signature, function));
        return this;
    }

    public Externals with(Externals other) {
        Externals merged = new Externals();
        merged.entries.putAll(entries);
        merged.entries.putAll(other.entries);
        return merged;
    }

    ExternalFunction get(String name) {
        Entry e = entries.get(name);
        return e == null ? null : e.function();
    }

    public Set<String> names() {
        return entries.keySet();
    }

    public String signature(String name) {
        Entry e = entries.get(name);
        return e == null ? null : e.signature();
    }
}
