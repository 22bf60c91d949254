package dev.nodestate.hub.refs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which repository file a dotted Python module name means.
 *
 * <p>A file's package name follows its {@code __init__.py} chain upwards ({@code pkg/sub/mod.py}
 * with {@code pkg/__init__.py} and {@code pkg/sub/__init__.py} is {@code pkg.sub.mod}; a file in a
 * directory without {@code __init__.py} is its stem). Names that match no package name are tried
 * as path suffixes ({@code tests.helpers} finds {@code x/tests/helpers.py}), for namespace packages
 * and source roots the hub cannot know. Several candidates: the one nearest the importing file.
 */
final class PythonModules {

    private final Map<String, List<String>> byPackageName = new HashMap<>();
    private final Map<String, List<String>> bySuffix = new HashMap<>();

    PythonModules(Collection<String> files) {
        Set<String> all = Set.copyOf(files);
        for (String file : all) {
            byPackageName.computeIfAbsent(packageName(file, all), k -> new ArrayList<>()).add(file);
            List<String> parts = dottedPath(file);
            for (int i = 0; i < parts.size(); i++) {
                bySuffix.computeIfAbsent(String.join(".", parts.subList(i, parts.size())), k -> new ArrayList<>()).add(file);
            }
        }
    }

    /** The file of module {@code dotted} as seen from {@code from}, or null. */
    String find(String dotted, String from) {
        List<String> found = byPackageName.get(dotted);
        if (found == null && dotted.indexOf('.') > 0) {
            found = bySuffix.get(dotted); // one bare name as a suffix would match any file of that stem
        }
        if (found == null) {
            return null;
        }
        return found.size() == 1 ? found.get(0) : nearest(found, from);
    }

    /** The file of {@code base/part1/part2.py} or {@code base/part1/part2/__init__.py}, or null. */
    static String underDirectory(String dir, List<String> parts, Set<String> files) {
        String path = (dir.isEmpty() ? "" : dir + "/") + String.join("/", parts);
        if (files.contains(path + ".py")) {
            return path + ".py";
        }
        String init = (path.isEmpty() ? "" : path + "/") + "__init__.py";
        return files.contains(init) ? init : null;
    }

    static String directory(String file) {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? "" : file.substring(0, slash);
    }

    private static String packageName(String file, Set<String> all) {
        List<String> parts = new ArrayList<>();
        String stem = stem(file);
        String dir = directory(file);
        if (!stem.equals("__init__")) {
            parts.add(stem);
        }
        while (all.contains((dir.isEmpty() ? "" : dir + "/") + "__init__.py") && !dir.isEmpty()) {
            parts.add(0, dir.substring(dir.lastIndexOf('/') + 1));
            dir = directory(dir);
        }
        return String.join(".", parts);
    }

    /** a/b/c.py gives [a, b, c]; a/b/__init__.py gives [a, b]. */
    private static List<String> dottedPath(String file) {
        List<String> parts = new ArrayList<>(List.of(file.split("/")));
        String last = stem(file);
        parts.remove(parts.size() - 1);
        if (!last.equals("__init__")) {
            parts.add(last);
        }
        return parts;
    }

    private static String stem(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        return name.endsWith(".py") ? name.substring(0, name.length() - 3) : name;
    }

    private static String nearest(List<String> files, String from) {
        String best = files.get(0);
        int bestShared = -1;
        for (String f : files) {
            int shared = sharedPrefix(f, from);
            if (shared > bestShared || (shared == bestShared && f.compareTo(best) < 0)) {
                best = f;
                bestShared = shared;
            }
        }
        return best;
    }

    private static int sharedPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }
}
