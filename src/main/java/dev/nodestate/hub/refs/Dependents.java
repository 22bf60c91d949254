package dev.nodestate.hub.refs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What each file depended on when it was last resolved (files it read, names it guessed), kept
 * both ways so that a change to one of them finds the files to resolve again.
 */
final class Dependents {

    private final Map<String, Set<String>> byFile = new HashMap<>();
    private final Map<String, Set<String>> byDependency = new HashMap<>();

    /** Replaces what {@code file} depends on. */
    void set(String file, Set<String> dependencies) {
        for (String d : byFile.getOrDefault(file, Set.of())) {
            Set<String> files = byDependency.get(d);
            if (files != null) {
                files.remove(file);
                if (files.isEmpty()) {
                    byDependency.remove(d);
                }
            }
        }
        if (dependencies.isEmpty()) {
            byFile.remove(file);
            return;
        }
        byFile.put(file, Set.copyOf(dependencies));
        for (String d : dependencies) {
            byDependency.computeIfAbsent(d, k -> new HashSet<>()).add(file);
        }
    }

    /** The files that depended on {@code dependency}. */
    Set<String> of(String dependency) {
        return byDependency.getOrDefault(dependency, Set.of());
    }
}
