package dev.nodestate.hub.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/** What the hub reports about itself; {@code last_update} is null before the first update. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record HubStatus(boolean running, String rootPath, long indexedFiles, long indexedNodes, double uptimeSeconds,
        Instant lastUpdate) {

    public static HubStatus fromJson(String json) {
        return Codec.read(json, HubStatus.class);
    }

    public String toJson() {
        return Codec.text(this);
    }
}
