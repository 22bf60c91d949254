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

    /**
     * The largest {@code --max-file-size} accepted. A file is read whole, parsed in the host and its outline handed to
     * the extraction tools, whose cost grows faster than the file (README "Large files", bench/large-files.sh: a generated 2 MB
     * Python file took 106 s and 2.3 GB RSS to index, a 5 MB one had not finished after 150 s at 4.9 GB); and {@code read_file} returns at most 8 MB, so nothing larger could be extracted anyway.
     */
    public static final long MAX_BYTES_CEILING = 2L << 20;

    /** {@code maxBytes} when it is a usable file-size limit; otherwise a usage error saying what the ceiling is and why. */
    public static long checkedMaxBytes(long maxBytes) {
        if (maxBytes < 1 || maxBytes > MAX_BYTES_CEILING) {
            throw new dev.nodestate.hub.HubException(dev.nodestate.hub.HubException.ExitCode.USAGE, "--max-file-size " + maxBytes
                    + " is " + (maxBytes < 1 ? "not a size" : "over the ceiling of " + MAX_BYTES_CEILING + " bytes ("
                    + size(MAX_BYTES_CEILING) + ")") + ": give 1.." + MAX_BYTES_CEILING + ". Larger files cost the hub"
                    + " more than they are worth (a 5 MB Python file took minutes and gigabytes to index; README \"Large"
                    + " files\") and tools cannot read a file over 8 MB (read_file's cap)");
        }
        return maxBytes;
    }

    /** A source file left out because it is larger than the limit: said to the user, counted, shown by {@code hub status}. */
    public record TooLarge(String path, long bytes, long limit) {
        /** One line for stderr: the file, its size, the limit and how to raise it. */
        public String describe() {
            return "skipped " + path + ": " + size(bytes) + " (" + bytes + " bytes) is over the file-size limit of " + size(limit)
                    + (limit < MAX_BYTES_CEILING ? "; raise it with --max-file-size BYTES (at most " + MAX_BYTES_CEILING + ")"
                    : "; no larger limit is accepted (README \"Large files\")");
        }
    }

    /** {@code bytes} in KB or MB, one decimal. */
    static String size(long bytes) {
        return bytes >= 1L << 20 ? String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20))
                : String.format(java.util.Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }

    /** A source file found, with its bytes read once (the indexer hashes and passes them on). */
    public record Source(String path, String language, byte[] bytes) {
    }

    /** What was found and what was skipped, with examples of each skip. */
    public record Result(List<Source> sources, Map<String, Integer> skipped, Map<String, List<String>> examples,
                         List<TooLarge> tooLarge) {
        public int skippedTotal() {
            return skipped.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final Path root;
    private final long maxBytes;

    public Discovery(Path root, long maxBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.maxBytes = checkedMaxBytes(maxBytes);
    }

    public static String languageOf(String path) {
        return path.endsWith(".py") ? "python" : path.endsWith(".java") ? "java" : null;
    }

    public Result scan() throws IOException {
        List<Source> sources = new ArrayList<>();
        Map<String, Integer> skipped = new TreeMap<>();
        Map<String, List<String>> examples = new TreeMap<>();
        List<TooLarge> tooLarge = new ArrayList<>();
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
                } else if (verdict instanceof TooLarge large) {
                    tooLarge.add(large);
                    skip(skipped, examples, "over the file-size limit", relative);
                } else {
                    skip(skipped, examples, (String) verdict, relative);
                }
            }
        }
        sources.sort(java.util.Comparator.comparing(Source::path));
        return new Result(sources, skipped, examples, List.copyOf(tooLarge));
    }

    /**
     * A source file's bytes, a {@link TooLarge} (judged by its size alone: nothing is read), or the reason it is skipped
     * (binary, encoding).
     */
    private Object read(Path file, String relative, String language) throws IOException {
        long size = Files.size(file);
        if (size > maxBytes) {
            return new TooLarge(relative, size, maxBytes);
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
        return judge(relative) instanceof Source source ? java.util.Optional.of(source) : java.util.Optional.empty();
    }

    /** What {@link #scan} would make of one path: a {@link Source}, a {@link TooLarge}, a skip reason, or null (not a source). */
    Object judge(String relative) {
        Path file = root.resolve(relative).normalize();
        String language = languageOf(relative);
        if (language == null || !file.startsWith(root) || !Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!isWatched(file.getParent())) {
            return null;
        }
        List<GitIgnore> chain = chain(file.getParent());
        if (isIgnored(chain, file.getParent(), file, false)) {
            return null;
        }
        try {
            return read(file, relative, language);
        } catch (IOException e) {
            return null; // vanished or unreadable: treated like a missing file
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
