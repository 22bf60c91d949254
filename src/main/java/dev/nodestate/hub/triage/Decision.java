package dev.nodestate.hub.triage;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.nodestate.hub.rules.Candidate;
import java.util.List;

/**
 * What triage decided for one change: approved updates in run order, rejected ones, a reason for each.
 * {@code triage} says who decided: {@code deterministic}, {@code model:<name>[+<adapter>]} or
 * {@code fallback:<cause>}; {@code latencyMs} how long the decision took (null when not measured); {@code note} what
 * went wrong when the fallback decided (the model's call that was not offered, the HTTP status text...), else null.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record Decision(String triage, List<Verdict> approved, List<Verdict> rejected, Long latencyMs, String note) {

    public Decision {
        approved = List.copyOf(approved);
        rejected = List.copyOf(rejected);
    }

    public Decision(String triage, List<Verdict> approved, List<Verdict> rejected) {
        this(triage, approved, rejected, null, null);
    }

    public Decision(String triage, List<Verdict> approved, List<Verdict> rejected, Long latencyMs) {
        this(triage, approved, rejected, latencyMs, null);
    }

    /** The same decision said to be made by {@code who} in {@code latencyMs}, with a note (or null). */
    public Decision by(String who, long latencyMs, String note) {
        return new Decision(who, approved, rejected, latencyMs, note);
    }

    /** One candidate and why it was approved or rejected. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Verdict(Candidate candidate, String reason) {
    }
}
