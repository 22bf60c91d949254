package dev.nodestate.hub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** What a tool returned (as JSON), what it printed, and how long the run took. */
public record GuestResult(JsonNode value, String stdout, Duration elapsed) {
}
