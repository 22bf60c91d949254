package dev.nodestate.hub.triage;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.nodestate.hub.rules.Candidate;
import java.util.List;

/** What triage decided for one change: approved updates in run order, rejected ones, a reason for each. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Decision(String triage, List<Verdict> approved, List<Verdict> rejected) {

    public Decision {
        approved = List.copyOf(approved);
        rejected = List.copyOf(rejected);
    }

    /** One candidate and why it was approved or rejected. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Verdict(Candidate candidate, String reason) {
    }
}
