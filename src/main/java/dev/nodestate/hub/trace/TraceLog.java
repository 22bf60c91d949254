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

    private TraceLog(Path file) {
        this.file = file;
    }

    public static Path directory(Path repo) {
        return repo.resolve(".agentfs").resolve("traces");
    }

    /** The log {@code name}.jsonl of {@code repo}, opened lazily on the first entry. */
    public static TraceLog open(Path repo, String name) {
        return new TraceLog(directory(repo).resolve(name + ".jsonl"));
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

    public synchronized void append(Object entry) {
        String line;
        try {
            line = MAPPER.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            report("cannot encode a trace entry: " + e.getOriginalMessage());
            return;
        }
        try {
            if (out == null) {
                Files.createDirectories(file.getParent());
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            report("cannot append to " + file + ": " + e.getMessage());
        }
    }

    private void report(String message) {
        if (!failed) {
            failed = true;
            System.err.println("hub: " + message + " (traces are skipped until this is fixed; updates go on)");
        }
    }

    @Override
    public synchronized void close() {
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
