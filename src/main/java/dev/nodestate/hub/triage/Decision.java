package dev.nodestate.hub.triage;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.nodestate.hub.rules.Candidate;
import java.util.List;

/**
 * What triage decided for one change: approved updates in run order, rejected ones, a reason for each.
 * {@code triage} says who decided: {@code deterministic}, {@code model:<name>[+<adapter>]} or
 * {@code fallback:<cause>}; {@code latencyMs} how long the decision took (null when not measured).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Decision(String triage, List<Verdict> approved, List<Verdict> rejected, Long latencyMs) {

    public Decision {
        approved = List.copyOf(approved);
        rejected = List.copyOf(rejected);
    }

    public Decision(String triage, List<Verdict> approved, List<Verdict> rejected) {
        this(triage, approved, rejected, null);
    }

    /** The same decision said to be made by {@code who} in {@code latencyMs}. */
    public Decision by(String who, long latencyMs) {
        return new Decision(who, approved, rejected, latencyMs);
    }

    /** One candidate and why it was approved or rejected. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Verdict(Candidate candidate, String reason) {
    }
}
