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
        this.root = root.toAbsolutePath().normalize();
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
                Object verdict = read(child, relative, language);
                if (verdict instanceof Source source) {
                    sources.add(source);
                } else {
                    skip(skipped, examples, (String) verdict, relative);
                }
            }
        }
        sources.sort(java.util.Comparator.comparing(Source::path));
        return new Result(sources, skipped, examples);
    }

    /** A source file's bytes, or the reason it is skipped (size, binary, encoding). */
    private Object read(Path file, String relative, String language) throws IOException {
        if (Files.size(file) > maxBytes) {
            return "over " + (maxBytes >> 10) + " KB";
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readAllBytes();
        }
        if (isBinary(bytes)) {
            return "binary";
        }
        return isUtf8(bytes) ? new Source(relative, language, bytes) : "not UTF-8";
    }

    /**
     * One path, judged as {@link #scan} would: the source if it would be indexed, empty if it is
     * missing, not a source file, or skipped (in a skipped, hidden or ignored directory, ignored
     * itself, too large, binary or not UTF-8).
     */
    public java.util.Optional<Source> inspect(String relative) {
        Path file = root.resolve(relative).normalize();
        String language = languageOf(relative);
        if (language == null || !file.startsWith(root) || !Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return java.util.Optional.empty();
        }
        if (!isWatched(file.getParent())) {
            return java.util.Optional.empty();
        }
        List<GitIgnore> chain = chain(file.getParent());
        if (isIgnored(chain, file.getParent(), file, false)) {
            return java.util.Optional.empty();
        }
        try {
            return read(file, relative, language) instanceof Source source ? java.util.Optional.of(source) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty(); // vanished or unreadable: treated like a missing file
        }
    }

    /** Whether files in {@code dir} can be indexed: no skipped, hidden or ignored directory on the way from the root. */
    public boolean isWatched(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        if (!d.startsWith(root)) {
            return false;
        }
        Path parent = root;
        List<GitIgnore> chain = new ArrayList<>(List.of(GitIgnore.load(root.resolve(".gitignore"))));
        for (Path part : root.relativize(d)) {
            String name = part.toString();
            if (name.isEmpty()) {
                continue;
            }
            Path child = parent.resolve(name);
            if (SKIPPED_DIRS.contains(name) || name.startsWith(".") || isIgnored(chain, parent, child, true)) {
                return false;
            }
            chain.add(GitIgnore.load(child.resolve(".gitignore")));
            parent = child;
        }
        return true;
    }

    /** The .gitignore files that apply in {@code dir}, shallowest first. */
    private List<GitIgnore> chain(Path dir) {
        List<GitIgnore> chain = new ArrayList<>(List.of(GitIgnore.load(root.resolve(".gitignore"))));
        Path d = root;
        for (Path part : root.relativize(dir)) {
            if (part.toString().isEmpty()) {
                continue;
            }
            d = d.resolve(part);
            chain.add(GitIgnore.load(d.resolve(".gitignore")));
        }
        return chain;
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
