package dev.nodestate.hub.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.SharedRuntime;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymTool;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.Tools;
import java.nio.file.Path;
import java.util.Map;

/**
 * Test helper for sandbox tests: runs checked tools straight through {@link ToolHost} (so a run is
 * not preceded by a checker call on another lane) and checks that every lane of the shared pool
 * still serves a normal run.
 */
final class PoolRuns {

    static final Externals EXTERNALS = HostExternals.standard(Path.of("").toAbsolutePath());

    private static PymTool onePlusOne;

    private PoolRuns() {
    }

    static PymTool checked(String source) {
        return Tools.check("t", source, EXTERNALS);
    }

    static GuestResult run(PymTool tool, Limits callerLimits) {
        return new ToolHost(SharedRuntime.get()).run(tool, Map.of(), EXTERNALS, callerLimits);
    }

    /** Runs code as the guest runtime itself (no Python-level guards): what the context alone denies. */
    static JsonNode probe(String source) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(SharedRuntime.get().probe(source));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code 1+1} once per lane. Lanes are handed out first-in first-out, so as many back-to-back
     * runs as there are lanes reach each lane once, including the one a failed attempt used.
     */
    static void everyLaneServesANormalRun() {
        synchronized (PoolRuns.class) {
            if (onePlusOne == null) {
                onePlusOne = checked("1 + 1\n");
            }
        }
        assertFalse(onePlusOne.broken(), () -> String.valueOf(onePlusOne.findings()));
        int lanes = SharedRuntime.get().laneCount();
        for (int i = 0; i < lanes; i++) {
            JsonNode value = run(onePlusOne, null).value();
            assertEquals(2, value.asInt(), "run " + (i + 1) + " of " + lanes + " after the attempt answered " + value);
        }
    }
}
