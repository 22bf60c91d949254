package dev.nodestate.hub.triage;

import dev.nodestate.hub.rules.Candidate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code hub triage eval}: replays recorded changes through a triage and reports, per triage, the tool runs saved
 * (candidates not approved, of all candidates), the state changes missed (useful runs — they ran then and changed
 * stored state — that it did not approve, of all useful runs), decision latency p50/p99 and fallbacks by cause.
 */
final class TriageEval {

    /** The figures of one triage over the replayed changes. */
    record Figures(String triage, int changes, int candidates, int approved, int useful, int missed, double p50Ms,
                   double p99Ms, Map<String, Integer> decidedBy) {
        double savedPercent() {
            return candidates == 0 ? 0 : 100.0 * (candidates - approved) / candidates;
        }

        double missedPercent() {
            return useful == 0 ? 0 : 100.0 * missed / useful;
        }

        String describe() {
            return String.format(java.util.Locale.ROOT, "%-40s %7d %10d %9.1f%% %9.1f%% (%d of %d) %8.1f %8.1f  %s", triage, changes,
                    candidates, savedPercent(), missedPercent(), missed, useful, p50Ms, p99Ms, decidedBy);
        }
    }

    static final String HEADER = String.format(java.util.Locale.ROOT, "%-40s %7s %10s %10s %10s %15s %8s %8s  %s", "triage", "changes",
            "candidates", "runs saved", "missed", "", "p50 ms", "p99 ms", "decided by");

    private TriageEval() {
    }

    static Figures run(String label, Triage triage, List<RecordedChange> changes) {
        int candidates = 0;
        int approved = 0;
        int useful = 0;
        int missed = 0;
        List<Long> latencies = new ArrayList<>();
        Map<String, Integer> by = new TreeMap<>();
        for (RecordedChange rc : changes) {
            long start = System.nanoTime();
            Decision d = triage.decide(rc.change(), null, rc.candidates());
            latencies.add(System.nanoTime() - start);
            by.merge(d.triage(), 1, Integer::sum);
            candidates += rc.candidates().size();
            approved += d.approved().size();
            java.util.Set<String> approvedTools = new java.util.HashSet<>();
            d.approved().forEach(v -> approvedTools.add(v.candidate().tool()));
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Candidate c : rc.candidates()) {
                if (rc.useful(c.tool()) && seen.add(c.tool())) {
                    useful++;
                    if (!approvedTools.contains(c.tool())) {
                        missed++;
                    }
                }
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        double p50 = sorted.length == 0 ? 0 : sorted[sorted.length / 2] / 1e6;
        double p99 = sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6;
        return new Figures(label, changes.size(), candidates, approved, useful, missed, p50, p99, by);
    }
}
