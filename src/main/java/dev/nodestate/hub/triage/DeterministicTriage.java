package dev.nodestate.hub.triage;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The fallback policy, and the default until a model is configured: candidates in priority order
 * (highest first, then tool name); a candidate whose tool and arguments repeat an earlier one is a
 * duplicate; a tool that is not runnable (missing or broken) is rejected; a required candidate is
 * approved whatever the budget; at most {@code budget} other updates run per change, the rest are
 * rejected as over budget.
 */
public final class DeterministicTriage implements Triage {

    public static final int DEFAULT_BUDGET = 4;

    private static final Comparator<Candidate> ORDER = Comparator.comparingInt(Candidate::priority).reversed()
            .thenComparing(Candidate::tool).thenComparing(Candidate::rule);

    private final int budget;
    private final Predicate<String> runnable;

    /** @param runnable whether a tool can run now (installed and passing its checks) */
    public DeterministicTriage(int budget, Predicate<String> runnable) {
        if (budget < 1) {
            throw new IllegalArgumentException("triage budget must be at least 1 update per change, got " + budget);
        }
        this.budget = budget;
        this.runnable = runnable;
    }

    @Override
    public String name() {
        return "deterministic";
    }

    /** The same rules without a budget: what is settled before a model is asked (the model has its own budget). */
    DeterministicTriage unbudgeted() {
        return new DeterministicTriage(Integer.MAX_VALUE / 2, runnable);
    }

    @Override
    public Decision decide(DiffBundle change, List<Candidate> candidates) {
        List<Candidate> ordered = new ArrayList<>(candidates);
        ordered.sort(ORDER);
        List<Decision.Verdict> approved = new ArrayList<>();
        int counted = 0;
        List<Decision.Verdict> rejected = new ArrayList<>();
        Map<String, Candidate> seen = new HashMap<>();
        for (Candidate c : ordered) {
            Candidate first = seen.putIfAbsent(c.tool() + " " + new java.util.TreeMap<>(c.args()), c);
            if (first != null) {
                rejected.add(new Decision.Verdict(c, "duplicate of rule " + first.rule() + " (same tool and arguments)"));
            } else if (!runnable.test(c.tool())) {
                rejected.add(new Decision.Verdict(c, "tool " + c.tool() + " is not installed or does not pass its checks"));
            } else if (c.required()) {
                approved.add(new Decision.Verdict(c, "required by rule " + c.rule() + ": " + c.reason()));
            } else if (counted >= budget) {
                rejected.add(new Decision.Verdict(c, "over the budget of " + budget + " updates per change (priority "
                        + c.priority() + ")"));
            } else {
                counted++;
                approved.add(new Decision.Verdict(c, "priority " + c.priority() + " from rule " + c.rule() + ": " + c.reason()));
            }
        }
        return new Decision(name(), approved, rejected);
    }
}
