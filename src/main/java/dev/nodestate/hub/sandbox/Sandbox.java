package dev.nodestate.hub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where tool code runs: in this JVM's GraalPy lanes ({@link PythonRuntime}: one-shot commands, tests) or in worker
 * processes that are killed when a run cannot be stopped ({@link WorkerPool}: the long-running hub).
 */
public interface Sandbox extends AutoCloseable {

    /** Runs a tool. Returns the result or throws a {@link ToolException} saying which error it was. */
    GuestResult run(GuestRun r);

    /** Runs the guest checker on a script; returns its outline as JSON. */
    JsonNode outline(String source, String filename);

    /** How many runs can go on at once. */
    int laneCount();

    @Override
    void close();
}
