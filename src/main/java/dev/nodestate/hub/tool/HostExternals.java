package dev.nodestate.hub.tool;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import dev.nodestate.hub.lang.JavaOutline;
import dev.nodestate.hub.lang.JavaReferences;
import dev.nodestate.hub.lang.PythonOutline;
import java.util.EnumSet;
import java.util.Set;

/**
 * The host's standard externals for tools that work on one repository: {@code read_file(path) -> str},
 * {@code python_outline(path, parts) -> dict} and {@code python_outlines(paths, parts) -> dict}
 * ({@link PythonOutline}), {@code java_outline(path) -> dict} ({@link JavaOutline}) and
 * {@code java_references(path) -> dict} ({@link JavaReferences}: the file's calls resolved to node ids), and the
 * test externals {@code test_context} and {@code run_test} ({@link dev.nodestate.hub.testrun.TestExternals}).
 */
public final class HostExternals {

    /** Largest file {@code read_file} returns. */
    static final long MAX_READ_BYTES = 8L << 20;

    private HostExternals() {
    }

    /** Outlines kept for files whose text is unchanged (the indexer's two tools ask for each file in turn). */
    static final int OUTLINE_CACHE = 32;

    /** The standard externals with a {@link JavaReferences} of their own (nobody tells it of changes: fine for one-shot runs). */
    public static Externals standard(Path repo) {
        return standard(repo, new JavaReferences(realRoot(repo)));
    }

    /**
     * The standard externals: {@code read_file}, {@code java_outline} and {@code java_references}.
     * A long-lived host creates one {@link JavaReferences} for the repository, passes it here, and
     * calls {@link JavaReferences#changed} for every .java file created, edited or deleted, so that
     * {@code java_references} answers from the current state of every file.
     */
    public static Externals standard(Path repo, JavaReferences references) {
        Path root = realRoot(repo);
        if (!references.root().equals(root)) {
            throw new IllegalArgumentException("the JavaReferences are for " + references.root() + ", not for the repository " + root);
        }
        ThreadLocal<JavaOutline> parsers = ThreadLocal.withInitial(JavaOutline::new); // JavaParser is not thread-safe
        OutlineCache outlines = new OutlineCache(OUTLINE_CACHE);
        PythonOutline python = new PythonOutline(); // stateless: one parser per call
        return new Externals()
                .add("read_file", "read_file(path: str) -> str",
                        args -> JsonNodeFactory.instance.textNode(readFile(root, args.path("path").asText())))
                .add("python_outline", "python_outline(path: str, parts: list[str] = []) -> dict", args -> {
                    String path = args.path("path").asText();
                    Set<PythonOutline.Part> parts = parts(args.path("parts"));
                    String source = readFile(root, path);
                    return view(outlines.get(path, source, () -> python.outline(source, ALL_PARTS)), parts);
                })
                .add("python_outlines", "python_outlines(paths: list[str], parts: list[str] = []) -> dict", args -> {
                    Set<PythonOutline.Part> parts = parts(args.path("parts"));
                    ObjectNode out = JsonNodeFactory.instance.objectNode();
                    for (com.fasterxml.jackson.databind.JsonNode p : args.path("paths")) {
                        String path = p.asText();
                        String source;
                        try {
                            source = readFile(root, path);
                        } catch (ExternalFunction.ExternalFailure e) { // one unreadable file (deleted meanwhile) does not fail the others
                            ObjectNode gone = out.putObject(path);
                            gone.putObject("error").put("line", 0).put("message", e.getMessage());
                            gone.put("unreadable", true).put("line_count", 0).putNull("docstring");
                            gone.putArray("imports");
                            gone.putArray("defs");
                            continue;
                        }
                        out.set(path, view(outlines.get(path, source, () -> python.outline(source, ALL_PARTS)), parts));
                    }
                    return out;
                })
                .add("java_outline", "java_outline(path: str) -> dict", args -> {
                    String path = args.path("path").asText();
                    String source = readFile(root, path);
                    return outlines.get(path + "|java", source, () -> parsers.get().outline(source));
                })
                .add("java_references", "java_references(path: str) -> dict", args -> {
                    String path = args.path("path").asText();
                    if (!path.endsWith(".java")) {
                        throw new ExternalFunction.ExternalFailure("java_references takes a .java file, not '" + path + "'");
                    }
                    String source = readFile(root, path);
                    Path given = Path.of(path).normalize();
                    String relative = (given.isAbsolute() ? root.relativize(given) : given).toString().replace('\\', '/');
                    return references.references(relative, source); // cached by path and text until a change
                })
                .with(dev.nodestate.hub.testrun.TestExternals.of(root)); // test_context, run_test (configured runners only)
    }

    /** The outline parts a tool asked for ("calls", "reads", "exports"); an unknown name is the tool's mistake. */
    private static Set<PythonOutline.Part> parts(com.fasterxml.jackson.databind.JsonNode names) throws ExternalFunction.ExternalFailure {
        Set<PythonOutline.Part> parts = EnumSet.noneOf(PythonOutline.Part.class);
        for (com.fasterxml.jackson.databind.JsonNode n : names) {
            PythonOutline.Part p = PythonOutline.Part.named(n.asText());
            if (p == null) {
                throw new ExternalFunction.ExternalFailure("unknown outline part '" + n.asText() + "'; the parts are calls, reads, exports");
            }
            parts.add(p);
        }
        return parts;
    }

    /**
     * The last outlines by path, each with the text it was made from: a hit needs the same text,
     * so an edited file is parsed again. Outlines are shared, never modified (callers serialize them).
     * A file asked for by two lanes at once (the indexer runs extraction and complexity side by side)
     * is parsed once: the second caller waits for the first one's result.
     */
    static final class OutlineCache {
        private record Parsed(String source, java.util.concurrent.CompletableFuture<ObjectNode> outline) {
        }

        private final Map<String, Parsed> entries;

        OutlineCache(int capacity) {
            this.entries = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Parsed> eldest) {
                    return size() > capacity;
                }
            };
        }

        ObjectNode get(String path, String source, Supplier<ObjectNode> parse) {
            java.util.concurrent.CompletableFuture<ObjectNode> mine = new java.util.concurrent.CompletableFuture<>();
            Parsed e;
            synchronized (entries) {
                e = entries.get(path);
                if (e == null || !e.source().equals(source)) {
                    entries.put(path, new Parsed(source, mine));
                    e = null;
                }
            }
            if (e != null) {
                return e.outline().join();
            }
            try {
                ObjectNode outline = parse.get(); // outside the lock: lanes parse different files in parallel
                mine.complete(outline);
                return outline;
            } catch (RuntimeException | Error x) {
                synchronized (entries) {
                    entries.remove(path);
                }
                mine.completeExceptionally(x);
                throw x;
            }
        }
    }

    /** Every part: a file is outlined once for all the tools that ask for it, each gets the parts it named. */
    private static final Set<PythonOutline.Part> ALL_PARTS = EnumSet.allOf(PythonOutline.Part.class);

    /**
     * {@code outline} with only the optional parts in {@code parts}: a shallow view (the cached outline is
     * shared), so that a tool is sent, and decodes, only what it asked for.
     */
    static ObjectNode view(ObjectNode outline, Set<PythonOutline.Part> parts) {
        if (parts.containsAll(ALL_PARTS)) {
            return outline;
        }
        boolean calls = parts.contains(PythonOutline.Part.CALLS);
        boolean reads = parts.contains(PythonOutline.Part.READS);
        ObjectNode v = JsonNodeFactory.instance.objectNode();
        v.setAll(outline);
        if (!calls) {
            v.remove("module_calls");
        }
        if (!parts.contains(PythonOutline.Part.EXPORTS)) {
            v.remove("exports");
        }
        if (!calls || !reads) {
            com.fasterxml.jackson.databind.node.ArrayNode defs = v.putArray("defs");
            for (com.fasterxml.jackson.databind.JsonNode d : outline.path("defs")) {
                ObjectNode c = JsonNodeFactory.instance.objectNode();
                c.setAll((ObjectNode) d);
                if (!calls) {
                    c.remove("calls");
                }
                if (!reads) {
                    c.remove("reads");
                }
                defs.add(c);
            }
        }
        return v;
    }

    /**
     * Reads a UTF-8 file inside {@code root}. Relative paths resolve against the root; absolute
     * paths must lie inside it. {@code ..} segments are refused, and so is any path whose real
     * location (after following symlinks) leaves the root.
     */
    static String readFile(Path root, String path) throws ExternalFunction.ExternalFailure {
        if (path.isEmpty()) {
            throw new ExternalFunction.ExternalFailure("empty path");
        }
        Path given = Path.of(path);
        for (Path part : given) {
            if (part.toString().equals("..")) {
                throw new ExternalFunction.ExternalFailure("'" + path + "' contains '..'; give a path inside the repository");
            }
        }
        Path target = given.isAbsolute() ? given.normalize() : root.resolve(given).normalize();
        if (!target.startsWith(root)) {
            throw new ExternalFunction.ExternalFailure("'" + path + "' is outside the repository " + root);
        }
        try {
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new ExternalFunction.ExternalFailure("no such file: " + path);
            }
            Path real = target.toRealPath();
            if (!real.startsWith(root)) {
                throw new ExternalFunction.ExternalFailure("'" + path + "' leads outside the repository (symlink to " + real + ")");
            }
            if (!Files.isRegularFile(real)) {
                throw new ExternalFunction.ExternalFailure("not a regular file: " + path);
            }
            long size = Files.size(real);
            if (size > MAX_READ_BYTES) {
                throw new ExternalFunction.ExternalFailure(path + " is " + size + " bytes, over the " + MAX_READ_BYTES + "-byte limit");
            }
            byte[] bytes = Files.readAllBytes(real);
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new ExternalFunction.ExternalFailure(path + " is not UTF-8 text");
            }
        } catch (IOException e) {
            throw new ExternalFunction.ExternalFailure("cannot read " + path + ": " + e.getMessage());
        }
    }

    private static Path realRoot(Path repo) {
        try {
            return repo.toRealPath();
        } catch (IOException e) {
            throw new dev.nodestate.hub.HubException(dev.nodestate.hub.HubException.ExitCode.NOT_FOUND,
                    "repository " + repo + " does not exist or cannot be read: " + e.getMessage());
        }
    }
}
