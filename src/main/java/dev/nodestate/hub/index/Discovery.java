package dev.nodestate.hub.index;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds the Python and Java sources of a repository: honours {@code .gitignore} files (nested
 * ones too), skips {@code .agentfs/}, {@code .git/}, hidden and build-output directories, binary
 * and non-UTF-8 files and files over the size cap, and counts every skip by reason.
 */
public final class Discovery {

    /** Directory names never indexed: VCS, the hub's own state, build output, environments. */
    static final Set<String> SKIPPED_DIRS = Set.of(".agentfs", ".git", ".hg", ".svn", "target", "build", "dist", "out",
            "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache", ".gradle", ".idea");

    public static final long DEFAULT_MAX_BYTES = 1L << 20;

    /** A source file found, with its bytes read once (the indexer hashes and passes them on). */
    public record Source(String path, String language, byte[] bytes) {
    }

    /** What was found and what was skipped, with examples of each skip. */
    public record Result(List<Source> sources, Map<String, Integer> skipped, Map<String, List<String>> examples) {
        public int skippedTotal() {
            return skipped.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final Path root;
    private final long maxBytes;

    public Discovery(Path root, long maxBytes) {
        this.root = root;
        this.maxBytes = maxBytes;
    }

    public static String languageOf(String path) {
        return path.endsWith(".py") ? "python" : path.endsWith(".java") ? "java" : null;
    }

    public Result scan() throws IOException {
        List<Source> sources = new ArrayList<>();
        Map<String, Integer> skipped = new TreeMap<>();
        Map<String, List<String>> examples = new TreeMap<>();
        Deque<Path> dirs = new ArrayDeque<>();
        Map<Path, List<GitIgnore>> ignores = new java.util.HashMap<>();
        dirs.push(root);
        ignores.put(root, List.of(GitIgnore.load(root.resolve(".gitignore"))));
        while (!dirs.isEmpty()) {
            Path dir = dirs.pop();
            List<GitIgnore> chain = ignores.remove(dir);
            List<Path> children;
            try (Stream<Path> s = Files.list(dir)) {
                children = s.sorted().toList();
            } catch (IOException e) {
                skip(skipped, examples, "unreadable directory", rel(dir));
                continue;
            }
            for (Path child : children) {
                String name = child.getFileName().toString();
                String relative = rel(child);
                boolean isDir = Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (isIgnored(chain, dir, child, isDir)) {
                    skip(skipped, examples, "gitignored", relative);
                    continue;
                }
                if (isDir) {
                    if (SKIPPED_DIRS.contains(name)) {
                        skip(skipped, examples, name.equals(".agentfs") || name.equals(".git") ? "hub or VCS directory" : "build or environment directory", relative);
                    } else if (name.startsWith(".")) {
                        skip(skipped, examples, "hidden directory", relative);
                    } else {
                        List<GitIgnore> next = new ArrayList<>(chain);
                        GitIgnore own = GitIgnore.load(child.resolve(".gitignore"));
                        next.add(own);
                        ignores.put(child, next);
                        dirs.push(child);
                    }
                    continue;
                }
                String language = languageOf(name);
                if (language == null || !Files.isRegularFile(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue; // not a source file: not counted as a skip
                }
                long size = Files.size(child);
                if (size > maxBytes) {
                    skip(skipped, examples, "over " + (maxBytes >> 10) + " KB", relative);
                    continue;
                }
                byte[] bytes;
                try (InputStream in = Files.newInputStream(child)) {
                    bytes = in.readAllBytes();
                }
                if (isBinary(bytes)) {
                    skip(skipped, examples, "binary", relative);
                } else if (!isUtf8(bytes)) {
                    skip(skipped, examples, "not UTF-8", relative);
                } else {
                    sources.add(new Source(relative, language, bytes));
                }
            }
        }
        sources.sort(java.util.Comparator.comparing(Source::path));
        return new Result(sources, skipped, examples);
    }

    private boolean isIgnored(List<GitIgnore> chain, Path dir, Path child, boolean isDir) {
        // deeper .gitignore files override shallower ones; each matches paths relative to its directory
        Path base = dir;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Boolean verdict = chain.get(i).ignored(base.relativize(child).toString().replace('\\', '/'), isDir);
            if (verdict != null) {
                return verdict;
            }
            base = base.getParent() == null || base.equals(root) ? root : base.getParent();
        }
        return false;
    }

    private String rel(Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    private static void skip(Map<String, Integer> skipped, Map<String, List<String>> examples, String reason, String path) {
        skipped.merge(reason, 1, Integer::sum);
        List<String> list = examples.computeIfAbsent(reason, k -> new ArrayList<>());
        if (list.size() < 5) {
            list.add(path);
        }
    }

    static boolean isBinary(byte[] bytes) {
        int n = Math.min(bytes.length, 8192);
        for (int i = 0; i < n; i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
