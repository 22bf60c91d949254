package dev.nodestate.hub.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * What an agent gets for one node from a {@code context} request: the stored facts plus how far to
 * trust them. {@code freshness_status} is {@code fresh} (the stored file hash equals the file on disk
 * now and the state is younger than the hub's age threshold), {@code stale} (stored but not fresh) or
 * {@code missing} (no such node); {@code warning} is set whenever it is not fresh.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record HubContextBlob(
        String nodeId,
        String hubStateKey,
        String signature,
        String docstring,
        List<String> callers,
        List<String> callees,
        List<String> relatedTests,
        Integer complexity,
        Instant lastUpdated,
        String freshnessStatus,
        String sourceVersion,
        @JsonInclude(JsonInclude.Include.NON_NULL) String warning) {

    public static final String FRESH = "fresh";
    public static final String STALE = "stale";
    public static final String MISSING = "missing";

    public boolean fresh() {
        return FRESH.equals(freshnessStatus);
    }
}
