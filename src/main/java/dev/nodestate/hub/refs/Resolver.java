package dev.nodestate.hub.refs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Turns one file's reference table (from {@code find_callees}) into callee node ids, reading the
 * other files' tables for imports, re-exports, star imports and class bases. Not thread-safe: the
 * {@link ReferenceIndex} owns one per resolution pass.
 *
 * <p>A call of a class means its {@code __init__} when the class (not a base) defines one, else
 * the class node. Python {@code x.m()} with an unknown {@code x} resolves only when exactly one
 * method in the repository is named {@code m} and {@code m} is not a method of a builtin type
 * ({@code append}, {@code get}, {@code join}...): "unique-name". Java calls arrive resolved by the
 * symbol solver (or its name+arity fallback) and are kept when the target node exists.
 */
final class Resolver {

    /** Methods of builtin types and common protocols: an {@code x.name()} with these is never guessed. */
    static final Set<String> BUILTIN_METHODS = Set.copyOf(java.util.Arrays.asList(("append extend insert remove pop clear index count sort reverse copy "
            + "get keys values items update setdefault popitem fromkeys add discard union intersection difference "
            + "symmetric_difference issubset issuperset isdisjoint join split rsplit splitlines strip lstrip rstrip "
            + "replace find rfind startswith endswith lower upper title capitalize casefold format format_map encode "
            + "decode partition rpartition center ljust rjust zfill expandtabs translate maketrans isdigit isalpha "
            + "isalnum isspace isupper islower isidentifier isnumeric isdecimal isprintable istitle read write "
            + "readline readlines writelines close flush seek tell truncate fileno send recv connect bind listen "
            + "accept open run start stop wait put acquire release submit result cancel done exception keys "
            + "match search sub fullmatch group groups finditer findall hex to_bytes from_bytes bit_length "
            + "total_seconds isoformat strftime timestamp").split(" ")));

    static final int MAX_DEPTH = 8;

    record Target(String file, String qual) {
        String id() {
            return qual.isEmpty() ? file : file + "::" + qual;
        }
    }

    /** One file's outcome: callee ids and unresolved call texts per caller id, what was read, how calls resolved. */
    record Resolution(Map<String, Set<String>> edges, Map<String, List<String>> unresolved, Set<String> consulted,
                      Set<String> attrNames, Map<String, Integer> how) {
    }

    private final Map<String, JsonNode> tables;
    private final Set<String> pythonFiles;
    private final PythonModules modules;
    private final Map<String, List<Target>> methodsByName;
    private final Predicate<String> exists;
    private Set<String> consulted;

    Resolver(Map<String, JsonNode> tables, Set<String> pythonFiles, PythonModules modules,
            Map<String, List<Target>> methodsByName, Predicate<String> exists) {
        this.tables = tables;
        this.pythonFiles = pythonFiles;
        this.modules = modules;
        this.methodsByName = methodsByName;
        this.exists = exists;
    }

    Resolution resolve(String file) {
        consulted = new HashSet<>();
        JsonNode table = tables.get(file);
        Map<String, Set<String>> edges = new TreeMap<>();
        Map<String, List<String>> unresolved = new TreeMap<>();
        Set<String> attrNames = new HashSet<>();
        Map<String, Integer> how = new TreeMap<>();
        boolean java = "java".equals(table.path("language").asText());
        table.path("calls").fields().forEachRemaining(e -> {
            String caller = e.getKey().isEmpty() ? file : file + "::" + e.getKey();
            for (JsonNode ref : e.getValue()) {
                String kind = java ? (ref.hasNonNull("id") ? "java-" + ref.path("how").asText("solved") : "java-unresolved")
                        : kindOf(ref);
                if (kind.equals("attr")) {
                    attrNames.add(ref.path("attr").asText());
                } else if (kind.equals("java-unresolved")) {
                    attrNames.add(JAVA_NAME + ref.path("java").asText()); // a method of that name appearing may solve it
                }
                String target = java ? javaTarget(ref) : pythonTarget(file, ref, kind);
                if (target == null) {
                    unresolved.computeIfAbsent(caller, k -> new ArrayList<>()).add(ref.path("text").asText());
                    how.merge("unresolved", 1, Integer::sum);
                } else {
                    edges.computeIfAbsent(caller, k -> new LinkedHashSet<>()).add(target);
                    how.merge(kind.equals("attr") ? "unique-name" : kind, 1, Integer::sum);
                }
            }
        });
        consulted.remove(file);
        return new Resolution(edges, unresolved, consulted, attrNames, how);
    }

    private String javaTarget(JsonNode ref) {
        String id = ref.path("id").asText(null);
        if (id == null) {
            return null;
        }
        consulted.add(ReferenceIndex.fileOf(id)); // the target's file changing its members re-checks this edge
        return exists.test(id) ? id : null;
    }

    /** Prefix of the names of unresolved Java calls among a resolution's attribute names. */
    static final String JAVA_NAME = "java:";

    private static String kindOf(JsonNode ref) {
        for (String k : List.of("local", "global", "self", "super", "on", "star", "attr", "name")) {
            if (ref.has(k)) {
                return k;
            }
        }
        return "unknown";
    }

    private String pythonTarget(String file, JsonNode ref, String kind) {
        Target t = switch (kind) {
            case "attr" -> uniqueMethod(ref.path("attr").asText());
            case "star" -> viaStars(file, List.of(ref.path("star").asText()), 0);
            default -> target(file, ref, 0);
        };
        if (t == null) {
            return null;
        }
        if (isClass(t) && defs(t.file()).has(t.qual() + ".__init__")) {
            return new Target(t.file(), t.qual() + ".__init__").id();
        }
        return t.id();
    }

    /** The node a reference names, classes as themselves. */
    private Target target(String file, JsonNode ref, int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        if (ref.has("local")) {
            return inFile(file, split(ref.get("local").asText()), depth);
        }
        if (ref.has("global")) {
            return dotted(file, ref.get("global").asText(), depth);
        }
        if (ref.has("self")) {
            return method(file, ref.get("self").asText(), ref.path("name").asText(), depth);
        }
        if (ref.has("super")) {
            for (JsonNode base : bases(file, ref.get("super").asText())) {
                Target cls = target(file, base, depth + 1);
                if (cls != null && isClass(cls)) {
                    Target m = method(cls.file(), cls.qual(), ref.path("name").asText(), depth + 1);
                    if (m != null) {
                        return m;
                    }
                }
            }
            return null;
        }
        if (ref.has("on")) {
            Target cls = target(file, ref.get("on"), depth + 1);
            return cls != null && isClass(cls) ? method(cls.file(), cls.qual(), ref.path("name").asText(), depth + 1) : null;
        }
        return null;
    }

    /** {@code parts} looked up in a file: its own definitions, then its imports, then its star imports. */
    private Target inFile(String file, List<String> parts, int depth) {
        if (depth > MAX_DEPTH || !tables.containsKey(file)) {
            return null;
        }
        consulted.add(file);
        if (parts.isEmpty()) {
            return new Target(file, "");
        }
        JsonNode defs = defs(file);
        for (int i = parts.size(); i >= 1; i--) {
            String q = String.join(".", parts.subList(0, i));
            if (defs.has(q)) {
                if (i == parts.size()) {
                    return new Target(file, q);
                }
                return "class".equals(defs.get(q).asText()) && i == parts.size() - 1
                        ? method(file, q, parts.get(i), depth + 1) : null;
            }
        }
        String binding = tables.get(file).path("bindings").path(parts.get(0)).asText(null);
        if (binding != null) {
            List<String> rest = parts.subList(1, parts.size());
            return dotted(file, rest.isEmpty() ? binding : binding + "." + String.join(".", rest), depth + 1);
        }
        return viaStars(file, parts, depth + 1);
    }

    private Target viaStars(String file, List<String> parts, int depth) {
        for (JsonNode star : tables.get(file).path("stars")) {
            Target module = dotted(file, star.asText(), depth);
            if (module != null && module.qual().isEmpty() && !module.file().equals(file)) {
                Target t = inFile(module.file(), parts, depth + 1);
                if (t != null) {
                    return t;
                }
            }
        }
        return null;
    }

    /** An absolute ({@code a.b.f}) or relative ({@code ..p.f}) dotted name, from {@code file}. */
    private Target dotted(String file, String name, int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        if (name.startsWith(".")) {
            int level = 0;
            while (level < name.length() && name.charAt(level) == '.') {
                level++;
            }
            String dir = PythonModules.directory(file);
            for (int i = 1; i < level && !dir.isEmpty(); i++) {
                dir = PythonModules.directory(dir);
            }
            List<String> parts = name.length() == level ? List.of() : split(name.substring(level));
            for (int i = parts.size(); i >= 0; i--) {
                String f = PythonModules.underDirectory(dir, parts.subList(0, i), pythonFiles);
                if (f != null) {
                    return inFile(f, parts.subList(i, parts.size()), depth + 1);
                }
            }
            return null;
        }
        List<String> parts = split(name);
        for (int i = parts.size(); i >= 1; i--) {
            String f = modules.find(String.join(".", parts.subList(0, i)), file);
            if (f != null) {
                return inFile(f, parts.subList(i, parts.size()), depth + 1);
            }
        }
        return null;
    }

    /** Method {@code name} of class {@code classQual} in {@code file}, or inherited from its bases. */
    private Target method(String file, String classQual, String name, int depth) {
        if (depth > MAX_DEPTH || !tables.containsKey(file)) {
            return null;
        }
        consulted.add(file);
        String q = classQual + "." + name;
        if (defs(file).has(q)) {
            return new Target(file, q);
        }
        for (JsonNode base : bases(file, classQual)) {
            Target cls = target(file, base, depth + 1);
            if (cls != null && isClass(cls)) {
                Target m = method(cls.file(), cls.qual(), name, depth + 1);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }

    private Target uniqueMethod(String name) {
        if (BUILTIN_METHODS.contains(name) || name.startsWith("__")) {
            return null;
        }
        List<Target> found = methodsByName.get(name);
        return found != null && found.size() == 1 ? found.get(0) : null;
    }

    private JsonNode bases(String file, String classQual) {
        JsonNode table = tables.get(file);
        return table == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                : table.path("bases").path(classQual);
    }

    private JsonNode defs(String file) {
        JsonNode table = tables.get(file);
        return table == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : table.path("defs");
    }

    private boolean isClass(Target t) {
        return "class".equals(defs(t.file()).path(t.qual()).asText());
    }

    private static List<String> split(String dotted) {
        return dotted.isEmpty() ? List.of() : List.of(dotted.split("\\."));
    }
}
