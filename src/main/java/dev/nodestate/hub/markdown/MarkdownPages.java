package dev.nodestate.hub.markdown;

import dev.nodestate.hub.store.FileIndex;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One markdown page per node at {@code .agentfs/nodes/<file>/<node name>.md}, an
 * {@code index.md} per file and {@code .agentfs/nodes/index.md} linking every file's index. Pages are written atomically (temp file + move) and only when
 * their content changed; a removed node's page is deleted.
 */
public final class MarkdownPages {

    static final String MODULE_PAGE = "__module__";

    private final Path nodesDir;
    private final NodeStore store;
    private volatile boolean rootStale = true;

    public MarkdownPages(Path repoRoot, NodeStore store) {
        this.nodesDir = repoRoot.resolve(".agentfs").resolve("nodes");
        this.store = store;
    }

    public static Path pageOf(Path nodesDir, NodeId id) {
        return nodesDir.resolve(id.file()).resolve((id.isModule() ? MODULE_PAGE : id.name()) + ".md");
    }

    public Path pageOf(NodeId id) {
        return pageOf(nodesDir, id);
    }

    /** Writes the pages of one file's nodes and its index; returns how many files were (re)written. */
    public int writeFile(String file, List<NodeState> nodes, List<String> removedIds) {
        int written = 0;
        for (String id : removedIds) {
            delete(pageOf(NodeId.parse(id)));
        }
        // the file's own nodes were just stored: links to them (every parent link) need no store read
        Set<String> here = new HashSet<>();
        nodes.forEach(n -> here.add(n.id().toString()));
        Map<String, List<NodeState>> children = new HashMap<>();
        nodes.forEach(n -> {
            if (n.parent() != null) {
                children.computeIfAbsent(n.parent(), k -> new ArrayList<>()).add(n);
            }
        });
        String problem = problem(file);
        for (NodeState n : nodes) {
            NodeId id = n.id();
            PageRenderer.Context context = new PageRenderer.Context(problem, children.getOrDefault(id.toString(), List.of()));
            String page = PageRenderer.render(n, (from, to) -> link(from, to, here), context);
            String tests = dev.nodestate.hub.testrun.TestRecords.section(nodesDir.getParent().getParent(), id);
            if (writeIfChanged(pageOf(id), tests == null ? page : page + tests)) {
                written++;
            }
        }
        Path index = nodesDir.resolve(file).resolve("index.md");
        boolean known = Files.exists(index);
        if (writeIfChanged(index, PageRenderer.index(file, nodes, problem))) {
            written++;
            rootStale = true; // a new file, or its node count or problem changed
        }
        if (!known) {
            rootStale = true;
        }
        return written;
    }

    /** The file's recorded problem (a syntax error of its current content, a skip), or null. */
    private String problem(String file) {
        return store.getFileIndex(file).map(FileIndex::error).orElse(null);
    }

    /**
     * Writes {@code .agentfs/nodes/index.md}, linking every indexed file's index, when a file was added, removed
     * or changed its count or problem since the last call (or {@code force}). Returns whether it was written.
     */
    public boolean writeRootIndex(boolean force) {
        if (!force && !rootStale) {
            return false;
        }
        rootStale = false;
        List<PageRenderer.FileEntry> entries = new ArrayList<>();
        for (String file : new java.util.TreeSet<>(store.allIndexedFiles())) {
            Optional<FileIndex> f = store.getFileIndex(file);
            entries.add(new PageRenderer.FileEntry(file, f.map(FileIndex::nodeCount).orElse(0), f.map(FileIndex::error).orElse(null)));
        }
        return writeIfChanged(nodesDir.resolve("index.md"), PageRenderer.root(entries));
    }

    /** The top-level page linking every file's index. */
    public Path rootIndex() {
        return nodesDir.resolve("index.md");
    }

    /**
     * Whether a file's pages are complete: {@code index.md} is written after the node pages, so
     * its absence means a run stopped between the store commit and the pages.
     */
    public boolean complete(String file) {
        return Files.isRegularFile(nodesDir.resolve(file).resolve("index.md"));
    }

    /** Deletes every page of a file that is gone. */
    public void removeFile(String file, List<String> ids) {
        rootStale = true;
        Path dir = nodesDir.resolve(file);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(MarkdownPages::delete);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove pages of " + file, e);
        }
    }

    /** A relative link from {@code from}'s page to {@code to}'s, labelled with the id. */
    String link(NodeId from, String to) {
        return link(from, to, Set.of());
    }

    /** The same, where the ids in {@code known} exist without asking the store. */
    private String link(NodeId from, String to, Set<String> known) {
        NodeId target;
        try {
            target = NodeId.parse(to);
        } catch (IllegalArgumentException e) {
            return "`" + to + "`";
        }
        if (!known.contains(target.toString()) && store.get(target.toString()).isEmpty()) {
            return "`" + to + "`";
        }
        Path rel = pageOf(from).getParent().relativize(pageOf(target));
        return "[" + PageRenderer.inline(to) + "](" + PageRenderer.href(rel.toString().replace('\\', '/')) + ")";
    }

    /**
     * Replaces the section titled {@code title} (the page's last section, up to the end) of an existing page with
     * {@code section}, or appends it; a page not written yet is left alone (the next render includes the section).
     */
    public static void replaceSection(Path page, String title, String section) {
        if (section == null || !Files.isRegularFile(page)) {
            return;
        }
        try {
            String text = Files.readString(page, StandardCharsets.UTF_8);
            int at = text.indexOf("\n## " + title + "\n");
            String head = at < 0 ? text : text.substring(0, at + 1);
            writeIfChanged(page, head + section);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the " + title + " section of " + page, e);
        }
    }

    private static boolean writeIfChanged(Path page, String content) {
        try {
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            if (Files.exists(page) && java.util.Arrays.equals(Files.readAllBytes(page), bytes)) {
                return false;
            }
            Files.createDirectories(page.getParent());
            // a temp file per thread: the extraction and the cross-file analysis may rewrite one page at once
            Path tmp = page.resolveSibling("." + page.getFileName() + "." + Thread.currentThread().threadId() + ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, page, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + page, e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p, e);
        }
    }
}
