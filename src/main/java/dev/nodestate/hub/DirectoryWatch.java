package dev.nodestate.hub;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Watches one directory (not its subdirectories) on a daemon thread and hands over the files that
 * changed in batches: a batch closes after {@code quiet} without events (editors write in several
 * steps), or {@code flush} after its first event at the latest. Used by the tool and rules
 * registries for their hot reload.
 */
public final class DirectoryWatch implements AutoCloseable {

    /**
     * Files added, changed or deleted (absolute, those the filter accepts); {@code overflow} when
     * the JDK dropped events and the whole directory must be rescanned.
     */
    public record Batch(Set<Path> touched, boolean overflow) {
    }

    private final Path directory;
    private final WatchService watcher;
    private final Thread thread;

    private DirectoryWatch(Path directory, WatchService watcher, String threadName, Predicate<Path> filter, Duration quiet,
                           Duration flush, Consumer<Batch> onBatch) {
        this.directory = directory;
        this.watcher = watcher;
        this.thread = Thread.ofPlatform().daemon().name(threadName)
                .start(() -> loop(filter, quiet.toMillis(), flush.toNanos(), onBatch));
    }

    /** Starts watching {@code directory}; batches with nothing touched and no overflow are not handed over. */
    public static DirectoryWatch start(Path directory, String threadName, Predicate<Path> filter, Duration quiet,
                                       Duration flush, Consumer<Batch> onBatch) {
        WatchService watcher;
        try {
            watcher = directory.getFileSystem().newWatchService();
            directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.OVERFLOW);
        } catch (IOException e) {
            throw new HubException(HubException.ExitCode.FAILURE, "cannot watch " + directory + ": " + e.getMessage(), e);
        }
        return new DirectoryWatch(directory, watcher, threadName, filter, quiet, flush, onBatch);
    }

    private void loop(Predicate<Path> filter, long quietMs, long flushNanos, Consumer<Batch> onBatch) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                long flushAt = System.nanoTime() + flushNanos;
                Set<Path> touched = new TreeSet<>();
                boolean overflow = false;
                do {
                    for (var event : key.pollEvents()) {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            overflow = true;
                        } else if (event.context() instanceof Path p && filter.test(p)) {
                            touched.add(directory.resolve(p));
                        }
                    }
                    key.reset();
                    key = System.nanoTime() < flushAt ? watcher.poll(quietMs, TimeUnit.MILLISECONDS) : null;
                } while (key != null);
                if (overflow || !touched.isEmpty()) {
                    try {
                        onBatch.accept(new Batch(touched, overflow));
                    } catch (RuntimeException e) {
                        System.err.println("hub: reloading after a change in " + directory + " failed: " + e);
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException ignored) {
            // closing
        }
        thread.interrupt();
    }
}
