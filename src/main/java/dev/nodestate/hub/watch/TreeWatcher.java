package dev.nodestate.hub.watch;

import dev.nodestate.hub.index.Discovery;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A recursive watch of a repository with the JDK WatchService. Directories that Discovery would
 * skip ({@code .agentfs/}, {@code .git/}, build output, hidden, gitignored) are never registered,
 * so their changes never reach the hub. A new directory is registered and walked at once, because
 * files written right after it appears raise no event of their own. Every path that may matter
 * (a source file, a directory that appeared or vanished, a {@code .gitignore}) goes to the
 * debouncer; an OVERFLOW (events lost) asks for a rescan.
 */
final class TreeWatcher implements AutoCloseable {

    private final Path root;
    private final Discovery discovery;
    private final Debouncer sink;
    private final WatchService service;
    private final Map<WatchKey, Path> dirs = new ConcurrentHashMap<>();
    private final Thread thread;

    TreeWatcher(Path root, Discovery discovery, Debouncer sink) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.discovery = discovery;
        this.sink = sink;
        this.service = FileSystems.getDefault().newWatchService();
        register(this.root, false);
        this.thread = Thread.ofPlatform().daemon().name("hub-watch").start(this::loop);
    }

    int directories() {
        return dirs.size();
    }

    /** Registers {@code dir} and every watched directory below it; with {@code announce}, reports their files. */
    private void register(Path dir, boolean announce) {
        if (!discovery.isWatched(dir)) {
            return;
        }
        try {
            WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            dirs.put(key, dir);
        } catch (IOException e) {
            System.err.println("hub: cannot watch " + dir + ": " + e.getMessage() + " (changes there are seen on the next rescan)");
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.toList()) {
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    register(child, announce);
                } else if (announce && Discovery.languageOf(child.getFileName().toString()) != null) {
                    sink.add(relative(child));
                }
            }
        } catch (IOException e) {
            // the directory vanished while we walked it: its delete event follows
        }
    }

    private void loop() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Path dir = dirs.get(key);
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    sink.rescan();
                    continue;
                }
                if (dir == null) {
                    continue;
                }
                Path child = dir.resolve((Path) event.context());
                String name = child.getFileName().toString();
                if (name.equals(".gitignore")) {
                    sink.rescan(); // what is ignored changed: let discovery decide again
                } else if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE
                        && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    register(child, true);
                } else if (Discovery.languageOf(name) != null) {
                    sink.add(relative(child));
                } else if (event.kind() == StandardWatchEventKinds.ENTRY_DELETE && !name.contains(".")) {
                    sink.add(relative(child)); // maybe a directory: the pipeline forgets the files it held
                }
            }
            if (!key.reset()) {
                dirs.remove(key);
            }
        }
    }

    private String relative(Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            // closing: nothing more to watch
        }
        thread.interrupt();
    }
}
