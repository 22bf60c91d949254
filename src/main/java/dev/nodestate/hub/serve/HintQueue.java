package dev.nodestate.hub.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.trace.TraceLog;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hints from agents ({@code {node_id, facts, reason}}), queued without blocking the client and
 * handled on one worker thread: each is recorded in {@code traces/hints.jsonl} and asks the hub to
 * refresh the node's file through its own pipeline. A hint never writes node fields: the tools do.
 */
final class HintQueue implements AutoCloseable {

    record Hint(String nodeId, String file, JsonNode facts, String reason, String requester, Instant at) {
    }

    private final BlockingQueue<Hint> queue;
    private final TraceLog trace;
    private final Consumer<String> refresh;
    private final Thread worker;
    private volatile boolean closed;

    HintQueue(int capacity, TraceLog trace, Consumer<String> refresh) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.trace = trace;
        this.refresh = refresh;
        this.worker = Thread.ofPlatform().daemon().name("hub-hints").start(this::work);
    }

    /** Queues a hint; false when the queue is full (the caller tells the client it was dropped). */
    boolean offer(Hint hint) {
        return !closed && queue.offer(hint);
    }

    int depth() {
        return queue.size();
    }

    private void work() {
        while (!closed || !queue.isEmpty()) {
            Hint h;
            try {
                h = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (h == null) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("ts", h.at());
            entry.put("node_id", h.nodeId());
            entry.put("facts", h.facts());
            entry.put("reason", h.reason());
            entry.put("requester", h.requester());
            entry.put("action", "refresh " + h.file());
            trace.append(entry);
            try {
                refresh.accept(h.file());
            } catch (RuntimeException e) {
                System.err.println("hub: refreshing " + h.file() + " for a hint failed: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            worker.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
