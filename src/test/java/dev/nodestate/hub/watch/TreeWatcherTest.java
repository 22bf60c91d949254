package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.index.Discovery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeWatcherTest {

    @TempDir
    Path repo;

    /** Collects batches until {@code expected} paths were seen or 10 s passed. */
    private static Set<String> collect(Debouncer d, Set<String> expected) throws InterruptedException {
        Set<String> seen = new HashSet<>();
        long end = System.nanoTime() + 10_000_000_000L;
        while (!seen.containsAll(expected) && System.nanoTime() < end) {
            Debouncer.Batch b = nextWithin(d, end);
            if (b == null) {
                break;
            }
            seen.addAll(b.paths());
        }
        return seen;
    }

    private static Debouncer.Batch nextWithin(Debouncer d, long endNanos) throws InterruptedException {
        Thread closer = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(Math.max(1, (endNanos - System.nanoTime()) / 1_000_000));
                d.close();
            } catch (InterruptedException e) {
                // batch arrived first
            }
        });
        Debouncer.Batch b = d.next();
        closer.interrupt();
        return b;
    }

    @Test
    void files_in_a_new_directory_written_at_once_are_all_reported() throws Exception {
        Debouncer d = new Debouncer(50, 500);
        try (TreeWatcher w = new TreeWatcher(repo, new Discovery(repo, Discovery.DEFAULT_MAX_BYTES), d)) {
            Path pkg = Files.createDirectories(repo.resolve("newpkg/sub"));
            Files.writeString(pkg.resolve("a.py"), "x = 1\n");
            Files.writeString(repo.resolve("newpkg/b.py"), "y = 2\n");
            Set<String> seen = collect(d, Set.of("newpkg/sub/a.py", "newpkg/b.py"));
            assertTrue(seen.containsAll(Set.of("newpkg/sub/a.py", "newpkg/b.py")), seen.toString());
        }
    }

    @Test
    void hub_state_hidden_and_ignored_directories_never_report() throws Exception {
        Files.writeString(repo.resolve(".gitignore"), "generated/\n");
        Files.createDirectories(repo.resolve(".agentfs/nodes"));
        Files.createDirectories(repo.resolve("generated"));
        Files.createDirectories(repo.resolve(".hidden"));
        Debouncer d = new Debouncer(50, 500);
        try (TreeWatcher w = new TreeWatcher(repo, new Discovery(repo, Discovery.DEFAULT_MAX_BYTES), d)) {
            assertEquals(1, w.directories(), "only the root is watched");
            Files.writeString(repo.resolve(".agentfs/nodes/x.py"), "");
            Files.writeString(repo.resolve("generated/g.py"), "");
            Files.writeString(repo.resolve(".hidden/h.py"), "");
            Files.writeString(repo.resolve("real.py"), "z = 3\n");
            Set<String> seen = collect(d, Set.of("real.py"));
            assertEquals(Set.of("real.py"), seen);
        }
    }

    @Test
    void a_deleted_directory_is_reported_so_its_files_can_be_forgotten() throws Exception {
        Path dir = Files.createDirectories(repo.resolve("gone"));
        Files.writeString(dir.resolve("m.py"), "");
        Debouncer d = new Debouncer(50, 500);
        try (TreeWatcher w = new TreeWatcher(repo, new Discovery(repo, Discovery.DEFAULT_MAX_BYTES), d)) {
            Files.delete(dir.resolve("m.py"));
            Files.delete(dir);
            Set<String> seen = collect(d, Set.of("gone"));
            assertTrue(seen.contains("gone"), seen.toString());
        }
    }
}
