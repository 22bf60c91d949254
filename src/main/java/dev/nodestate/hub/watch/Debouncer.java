package dev.nodestate.hub.watch;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Coalesces file events into batches: a batch is handed out once the tree has been quiet for
 * {@code quietMillis}, or at the latest {@code maxMillis} after its first event, so a single save
 * is handled promptly and a burst (a branch switch) becomes one batch. Paths are kept as a set,
 * so events are never dropped, only merged: memory grows with distinct paths, not with events.
 */
final class Debouncer {

    /** Repo-relative paths that changed, and whether the whole tree must be rescanned. */
    record Batch(Set<String> paths, boolean rescan) {
    }

    private final long quietNanos;
    private final long maxNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Set<String> pending = new LinkedHashSet<>();
    private boolean rescan;
    private long first;
    private long last;
    private boolean closed;

    Debouncer(long quietMillis, long maxMillis) {
        this.quietNanos = TimeUnit.MILLISECONDS.toNanos(quietMillis);
        this.maxNanos = TimeUnit.MILLISECONDS.toNanos(maxMillis);
    }

    void add(String path) {
        post(path, false);
    }

    void rescan() {
        post(null, true);
    }

    private void post(String path, boolean all) {
        lock.lock();
        try {
            long now = System.nanoTime();
            if (pending.isEmpty() && !rescan) {
                first = now;
            }
            last = now;
            if (all) {
                rescan = true;
            } else {
                pending.add(path);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the next batch; null once closed (pending paths are still handed out first). */
    Batch next() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                boolean any = !pending.isEmpty() || rescan;
                if (!any) {
                    if (closed) {
                        return null;
                    }
                    changed.await();
                    continue;
                }
                long now = System.nanoTime();
                long quietLeft = last + quietNanos - now;
                long maxLeft = first + maxNanos - now;
                if (closed || quietLeft <= 0 || maxLeft <= 0) {
                    Batch batch = new Batch(pending, rescan);
                    pending = new LinkedHashSet<>();
                    rescan = false;
                    return batch;
                }
                changed.awaitNanos(Math.min(quietLeft, maxLeft));
            }
        } finally {
            lock.unlock();
        }
    }

    int pendingCount() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
