package dev.nodestate.hub.refs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The repository's call graph, kept in memory and updated per file: each file's reference table
 * (from {@code find_callees}), the callee ids they resolve to, and the inverse (callers).
 *
 * <p>{@link #apply} takes new tables for some files and re-resolves only what they can affect: the
 * changed files themselves; files whose resolution read a changed file whose definitions, imports
 * or bases changed (re-exports, inherited methods); files with {@code x.m()} calls whose
 * unique-name guess a changed method name may change; and, when Python files appear, files with
 * unresolved calls. The {@link Delta} says which nodes' {@code callees} and {@code callers} changed,
 * so only those are written. Thread-safe (one lock).
 */
public final class ReferenceIndex {

    /**
     * What an {@link #apply} changed: {@code callees} per caller and {@code callers} per callee, the
     * new lists of the nodes whose lists changed, and the files re-resolved.
     */
    public record Delta(Set<String> resolvedFiles, Map<String, List<String>> callees, Map<String, List<String>> callers,
                        Set<String> reanalyse) {
        public boolean isEmpty() {
            return callees.isEmpty() && callers.isEmpty();
        }
    }

    private final Predicate<String> exists;
    private final Map<String, JsonNode> tables = new HashMap<>();
    private final Set<String> pythonFiles = new HashSet<>();
    private PythonModules modules = new PythonModules(List.of());
    private final Map<String, List<Resolver.Target>> methodsByName = new HashMap<>();
    private final Map<String, Map<String, Set<String>>> edges = new HashMap<>();
    private final Map<String, Map<String, List<String>>> unresolved = new HashMap<>();
    private final Map<String, Set<String>> callers = new HashMap<>();
    /** Files whose resolution read a file (its definitions, imports, bases; Java: held an edge into it). */
    private final Dependents readers = new Dependents();
    /** Files with {@code x.m()} calls (or unresolved Java calls, prefixed {@link Resolver#JAVA_NAME}) by name. */
    private final Dependents guessers = new Dependents();
    private final Map<String, Map<String, Integer>> how = new HashMap<>();

    /** @param exists whether a node id is stored (Java targets are kept only when it is) */
    public ReferenceIndex(Predicate<String> exists) {
        this.exists = exists;
    }

    /** Replaces the tables of some files (a null table forgets the file) and re-resolves what they affect. */
    public synchronized Delta apply(Map<String, JsonNode> changed) {
        Set<String> reshaped = new HashSet<>();
        Set<String> changedNames = new HashSet<>();
        Set<String> addedJavaNames = new HashSet<>();
        boolean filesAppeared = false;
        boolean pythonSetChanged = false;
        for (var e : changed.entrySet()) {
            String file = e.getKey();
            JsonNode old = tables.get(file);
            JsonNode now = e.getValue();
            if (!Objects.equals(shape(old), shape(now))) {
                reshaped.add(file);
            }
            Set<String> before = methodPairs(old);
            Set<String> after = methodPairs(now);
            unindexMethods(file, old);
            if (now == null) {
                tables.remove(file);
                pythonSetChanged |= pythonFiles.remove(file);
            } else {
                tables.put(file, now);
                if (isPython(now) && pythonFiles.add(file)) {
                    pythonSetChanged = true;
                    filesAppeared = true;
                }
                indexMethods(file, now);
            }
            for (String pair : symmetricDifference(before, after)) {
                changedNames.add(pair.substring(0, pair.indexOf(' ')));
            }
            Set<String> javaBefore = javaMembers(old);
            for (String name : javaMembers(now)) {
                if (!javaBefore.contains(name)) {
                    addedJavaNames.add(name);
                }
            }
        }
        if (pythonSetChanged) {
            modules = new PythonModules(pythonFiles);
        }
        Set<String> toResolve = new TreeSet<>();
        changed.forEach((file, table) -> {
            if (table != null) {
                toResolve.add(file);
            }
        });
        for (String file : reshaped) {
            toResolve.addAll(readers.of(file));
        }
        for (String name : changedNames) {
            toResolve.addAll(guessers.of(name));
        }
        if (filesAppeared) {
            unresolved.forEach((file, byCaller) -> {
                if (!byCaller.isEmpty() && pythonFiles.contains(file)) {
                    toResolve.add(file);
                }
            });
        }
        toResolve.retainAll(tables.keySet());
        // Java calls are solved by the tool, not here: files with unresolved calls of a newly added member name
        // need find_callees again (the caller schedules it; their own members do not change, so it stops there)
        Set<String> reanalyse = new TreeSet<>();
        for (String name : addedJavaNames) {
            reanalyse.addAll(guessers.of(Resolver.JAVA_NAME + name));
        }
        reanalyse.removeAll(changed.keySet());
        reanalyse.retainAll(tables.keySet());

        Map<String, List<String>> calleesDelta = new TreeMap<>();
        Set<String> targetsTouched = new HashSet<>();
        for (var e : changed.entrySet()) {
            if (e.getValue() == null) {
                forget(e.getKey(), calleesDelta, targetsTouched);
            }
        }
        Resolver resolver = new Resolver(tables, pythonFiles, modules, methodsByName, exists);
        for (String file : toResolve) {
            Resolver.Resolution r = resolver.resolve(file);
            Map<String, Set<String>> before = edges.getOrDefault(file, Map.of());
            Set<String> callerIds = new HashSet<>(before.keySet());
            callerIds.addAll(r.edges().keySet());
            for (String caller : callerIds) {
                Set<String> was = before.getOrDefault(caller, Set.of());
                Set<String> is = r.edges().getOrDefault(caller, Set.of());
                if (!was.equals(is)) {
                    calleesDelta.put(caller, List.copyOf(new TreeSet<>(is)));
                    for (String t : was) {
                        if (!is.contains(t)) {
                            removeCaller(t, caller);
                            targetsTouched.add(t);
                        }
                    }
                    for (String t : is) {
                        if (!was.contains(t)) {
                            callers.computeIfAbsent(t, k -> new TreeSet<>()).add(caller);
                            targetsTouched.add(t);
                        }
                    }
                }
            }
            edges.put(file, r.edges());
            unresolved.put(file, r.unresolved());
            how.put(file, r.how());
            readers.set(file, r.consulted());
            guessers.set(file, r.attrNames());
        }
        Map<String, List<String>> callersDelta = new TreeMap<>();
        for (String t : targetsTouched) {
            callersDelta.put(t, List.copyOf(callers.getOrDefault(t, Set.of())));
        }
        return new Delta(toResolve, calleesDelta, callersDelta, reanalyse);
    }

    public synchronized List<String> callersOf(String id) {
        return List.copyOf(callers.getOrDefault(id, Set.of()));
    }

    public synchronized List<String> calleesOf(String id) {
        Map<String, Set<String>> byCaller = edges.get(fileOf(id));
        return byCaller == null ? List.of() : List.copyOf(new TreeSet<>(byCaller.getOrDefault(id, Set.of())));
    }

    /** The call texts of a node that resolved to no node of the repository. */
    public synchronized List<String> unresolvedOf(String id) {
        Map<String, List<String>> byCaller = unresolved.get(fileOf(id));
        return byCaller == null ? List.of() : List.copyOf(byCaller.getOrDefault(id, List.of()));
    }

    /** Whether the index holds a reference table for this file. */
    public synchronized boolean knows(String file) {
        return tables.containsKey(file);
    }

    public synchronized Set<String> files() {
        return Set.copyOf(tables.keySet());
    }

    /** How calls resolved over the whole index: local, global, self, super, on, star, unique-name, java-solved, java-name-arity, unresolved. */
    public synchronized Map<String, Integer> resolutionCounts() {
        Map<String, Integer> total = new TreeMap<>();
        how.values().forEach(m -> m.forEach((k, v) -> total.merge(k, v, Integer::sum)));
        return total;
    }

    /** The same counts for some files. */
    public synchronized Map<String, Integer> resolutionCounts(Collection<String> files) {
        Map<String, Integer> total = new TreeMap<>();
        files.forEach(f -> how.getOrDefault(f, Map.of()).forEach((k, v) -> total.merge(k, v, Integer::sum)));
        return total;
    }

    private void forget(String file, Map<String, List<String>> calleesDelta, Set<String> targetsTouched) {
        Map<String, Set<String>> before = edges.remove(file);
        if (before != null) {
            before.forEach((caller, targets) -> {
                for (String t : targets) {
                    removeCaller(t, caller);
                    targetsTouched.add(t);
                }
            });
        }
        unresolved.remove(file);
        how.remove(file);
        readers.set(file, Set.of());
        guessers.set(file, Set.of());
        callers.keySet().removeIf(t -> fileOf(t).equals(file));
    }

    private void removeCaller(String target, String caller) {
        Set<String> set = callers.get(target);
        if (set != null) {
            set.remove(caller);
            if (set.isEmpty()) {
                callers.remove(target);
            }
        }
    }

    /** Python methods (functions defined directly in a class) by simple name, for unique-name guesses. */
    private void indexMethods(String file, JsonNode table) {
        for (String pair : methodPairs(table)) {
            int space = pair.indexOf(' ');
            methodsByName.computeIfAbsent(pair.substring(0, space), k -> new ArrayList<>())
                    .add(new Resolver.Target(file, pair.substring(space + 1)));
        }
    }

    private void unindexMethods(String file, JsonNode old) {
        for (String pair : methodPairs(old)) {
            String name = pair.substring(0, pair.indexOf(' '));
            List<Resolver.Target> list = methodsByName.get(name);
            if (list != null && list.removeIf(t -> t.file().equals(file)) && list.isEmpty()) {
                methodsByName.remove(name);
            }
        }
    }

    /** Simple names of the members a Java table lists under "defs" (Outer.m(int) gives m, Foo.Foo() gives Foo). */
    private static Set<String> javaMembers(JsonNode table) {
        Set<String> out = new HashSet<>();
        if (table == null || isPython(table)) {
            return out;
        }
        table.path("defs").fieldNames().forEachRemaining(q -> {
            int paren = q.indexOf('(');
            if (paren > 0) {
                String head = q.substring(0, paren);
                out.add(head.substring(head.lastIndexOf('.') + 1));
            }
        });
        return out;
    }

    /** "name qualified" for each method of a Python table. */
    private static Set<String> methodPairs(JsonNode table) {
        Set<String> out = new HashSet<>();
        if (table == null || !isPython(table)) {
            return out;
        }
        JsonNode defs = table.path("defs");
        defs.fields().forEachRemaining(e -> {
            String q = e.getKey();
            int dot = q.lastIndexOf('.');
            if (dot > 0 && "function".equals(e.getValue().asText()) && "class".equals(defs.path(q.substring(0, dot)).asText())) {
                out.add(q.substring(dot + 1) + " " + q);
            }
        });
        return out;
    }

    private static Set<String> symmetricDifference(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        out.removeAll(both);
        return out;
    }

    /** What other files may read of a table: definitions, imports, star imports, bases. */
    private static List<JsonNode> shape(JsonNode table) {
        if (table == null) {
            return null;
        }
        List<JsonNode> out = new ArrayList<>();
        for (String f : List.of("defs", "bindings", "stars", "bases")) {
            out.add(table.path(f));
        }
        return out;
    }

    private static boolean isPython(JsonNode table) {
        return "python".equals(table.path("language").asText());
    }

    static String fileOf(String id) {
        int at = id.indexOf("::");
        return at < 0 ? id : id.substring(0, at);
    }

    /** Every caller id with outgoing calls in a file (for tests and stats). */
    synchronized Set<String> callersIn(String file) {
        return new LinkedHashSet<>(edges.getOrDefault(file, Map.of()).keySet());
    }
}
