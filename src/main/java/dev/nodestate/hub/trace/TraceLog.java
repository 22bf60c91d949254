package dev.nodestate.hub.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An append-only JSON-lines file under {@code .agentfs/traces/} (the long track of what the hub
 * did and why). One entry per line, written and flushed whole under a lock, so a reader never
 * sees half an entry from this process. A failing write is reported once on stderr and the hub
 * goes on: traces must never stop updates.
 */
public final class TraceLog implements AutoCloseable {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private final Path file;
    private Writer out;
    private boolean failed;
    // group commit (see openBatched): lines wait here for the writer thread, which writes what has piled
    // up and flushes once; appended/written count lines so sync() can wait for its own
    private final java.util.concurrent.ConcurrentLinkedQueue<String> pending;
    private final java.util.concurrent.atomic.AtomicLong appended = new java.util.concurrent.atomic.AtomicLong();
    private long written;
    private Thread writer;
    private volatile boolean closing;
    private volatile boolean idle; // the writer is in its long park: the next append wakes it

    private TraceLog(Path file, boolean batched) {
        this.file = file;
        this.pending = batched ? new java.util.concurrent.ConcurrentLinkedQueue<>() : null;
        if (batched) {
            writer = Thread.ofPlatform().daemon().name("hub-trace-" + file.getFileName()).start(this::drain);
        }
    }

    public static Path directory(Path repo) {
        return repo.resolve(".agentfs").resolve("traces");
    }

    /** The log {@code name}.jsonl of {@code repo}, opened lazily on the first entry. */
    public static TraceLog open(Path repo, String name) {
        return new TraceLog(directory(repo).resolve(name + ".jsonl"), false);
    }

    /**
     * A log for hot paths (a line per socket request): {@link #appendLine} only queues the line; a
     * writer thread writes whatever has piled up and flushes once, so requests neither wait for the
     * disk nor queue on a lock. Lines reach the file within about a millisecond; {@link #sync} waits.
     */
    public static TraceLog openBatched(Path repo, String name) {
        return new TraceLog(directory(repo).resolve(name + ".jsonl"), true);
    }

    private void drain() {
        while (true) {
            if (pending.isEmpty()) {
                if (closing) {
                    return;
                }
                idle = true;
                if (pending.isEmpty() && !closing) {
                    java.util.concurrent.locks.LockSupport.parkNanos(this, 50_000_000); // appendLine unparks
                }
                idle = false;
                continue;
            }
            synchronized (this) {
                String line;
                int n = 0;
                try {
                    open();
                    while ((line = pending.poll()) != null) {
                        out.write(line);
                        out.write('\n');
                        n++;
                    }
                    out.flush();
                } catch (IOException e) {
                    while (pending.poll() != null) {
                        n++;
                    }
                    report("cannot append to " + file + ": " + e.getMessage());
                }
                written += n;
                notifyAll();
            }
            // under load, let lines pile up for a millisecond: one write per batch and no wake-up per request
            // (waking the writer for every line cost the socket about a tenth of its throughput on 2 cores)
            java.util.concurrent.locks.LockSupport.parkNanos(this, 1_000_000);
        }
    }

    /** Waits until every line appended before this call is in the file (batched logs; others always are). */
    public synchronized void sync() throws InterruptedException {
        long target = appended.get();
        while (pending != null && written < target && writer.isAlive()) {
            wait(100);
        }
    }

    private void open() throws IOException {
        if (out == null) {
            Files.createDirectories(file.getParent());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /** One compact JSON line in the traces' format (snake_case, ISO times). */
    public static String line(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public void append(Object entry) {
        String line;
        try {
            line = MAPPER.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            report("cannot encode a trace entry: " + e.getOriginalMessage());
            return;
        }
        appendLine(line);
    }

    /** Appends one entry already encoded as a single line of JSON (the caller guarantees both). */
    public void appendLine(String line) {
        if (pending != null) {
            pending.add(line);
            appended.incrementAndGet();
            if (idle) {
                java.util.concurrent.locks.LockSupport.unpark(writer);
            }
            return;
        }
        writeNow(line);
    }

    private synchronized void writeNow(String line) {
        try {
            open();
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            report("cannot append to " + file + ": " + e.getMessage());
        }
    }

    private synchronized void report(String message) {
        if (!failed) {
            failed = true;
            System.err.println("hub: " + message + " (traces are skipped until this is fixed; updates go on)");
        }
    }

    @Override
    public void close() {
        if (writer != null) {
            closing = true;
            java.util.concurrent.locks.LockSupport.unpark(writer);
            try {
                writer.join(5_000); // it writes what is pending first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeFile();
    }

    private synchronized void closeFile() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                report("cannot close " + file + ": " + e.getMessage());
            }
            out = null;
        }
    }
}
