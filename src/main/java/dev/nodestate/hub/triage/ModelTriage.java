package dev.nodestate.hub.triage;

import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import dev.nodestate.hub.store.NodeState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The triage agent: a model decides which candidate updates run. Required candidates, duplicates and tools that
 * cannot run are settled first by the deterministic rules (the model is never asked about them); the rest, up to
 * {@code max_candidates} by priority, are offered as functions ({@code run_<tool>} with a {@code reason}) plus
 * {@code no_update}. Each call approves its candidate with the model's reason; an offered candidate it did not call
 * is rejected. Any failure (deadline, refused connection, HTTP error, a call to a function not offered, a call
 * without a reason, no call at all) hands the change to the deterministic triage, with the cause in
 * {@code decision.triage} ({@code fallback:<cause>}); repeated failures open the breaker.
 */
final class ModelTriage implements Triage {

    static final String NO_UPDATE = "no_update";

    private final AgentDefinition definition;
    private final String instruction;
    private final ModelClient client;
    private final DeterministicTriage fallback;
    private final Breaker breaker;
    private final java.util.function.Consumer<String> warn;

    ModelTriage(AgentDefinition definition, String instruction, ModelClient client, DeterministicTriage fallback,
            Breaker breaker, java.util.function.Consumer<String> warn) {
        this.definition = definition;
        this.instruction = instruction;
        this.client = client;
        this.fallback = fallback;
        this.breaker = breaker;
        this.warn = warn;
    }

    @Override
    public String name() {
        return definition.who();
    }

    AgentDefinition definition() {
        return definition;
    }

    Breaker breaker() {
        return breaker;
    }

    @Override
    public Decision decide(DiffBundle change, List<Candidate> candidates) {
        return decide(change, null, candidates);
    }

    /**
     * What the model is asked about a change: the verdicts settled without it (required candidates approved; duplicates
     * and tools that cannot run rejected; candidates over max_candidates rejected unasked) and the functions offered,
     * one per open candidate ({@code run_<tool>}, by priority) plus {@code no_update}.
     */
    record Offer(Decision settled, List<Decision.Verdict> approved, List<Decision.Verdict> rejected,
                 Map<String, Candidate> byName, List<FunctionGemma.Function> functions) {
        boolean empty() {
            return byName.isEmpty();
        }
    }

    static Offer offer(DeterministicTriage fallback, DiffBundle change, List<Candidate> candidates, int maxCandidates) {
        Decision settled = fallback.unbudgeted().decide(change, candidates);
        List<Decision.Verdict> approved = new ArrayList<>();
        List<Decision.Verdict> rejected = new ArrayList<>();
        List<Candidate> open = new ArrayList<>();
        for (Decision.Verdict v : settled.approved()) {
            if (v.candidate().required()) {
                approved.add(v);
            } else {
                open.add(v.candidate());
            }
        }
        rejected.addAll(settled.rejected()); // duplicates and tools that cannot run: not the model's question
        open.sort(java.util.Comparator.comparingInt(Candidate::priority).reversed().thenComparing(Candidate::tool));
        List<Candidate> offered = open.subList(0, Math.min(open.size(), maxCandidates));
        for (Candidate c : open.subList(offered.size(), open.size())) {
            rejected.add(new Decision.Verdict(c, "not offered to the model: over max_candidates " + maxCandidates
                    + " (priority " + c.priority() + ")"));
        }
        Map<String, Candidate> byName = new LinkedHashMap<>();
        List<FunctionGemma.Function> functions = new ArrayList<>();
        for (Candidate c : offered) {
            String base = "run_" + c.tool().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
            String name = base;
            for (int n = 2; byName.containsKey(name); n++) {
                name = base + "_" + n;
            }
            byName.put(name, c);
            functions.add(new FunctionGemma.Function(name, "Run update tool " + c.tool() + " for " + c.nodeId()
                    + (c.args().isEmpty() ? "" : " with " + new java.util.TreeMap<>(c.args())) + " (rule " + c.rule()
                    + ", priority " + c.priority() + "): " + c.reason(), Map.of("reason", "why this update should run")));
        }
        functions.add(new FunctionGemma.Function(NO_UPDATE, "None of the offered updates needs to run for this change",
                Map.of("reason", "why nothing needs to run")));
        return new Offer(settled, approved, rejected, byName, functions);
    }

    @Override
    public Decision decide(DiffBundle change, NodeState node, List<Candidate> candidates) {
        long start = System.nanoTime();
        Offer offer = offer(fallback, change, candidates, definition.maxCandidates());
        if (offer.empty()) {
            return offer.settled().by("deterministic", millis(start), null); // nothing to ask
        }
        List<Decision.Verdict> approved = new ArrayList<>(offer.approved());
        List<Decision.Verdict> rejected = new ArrayList<>(offer.rejected());
        Map<String, Candidate> byName = offer.byName();
        List<FunctionGemma.Function> functions = offer.functions();
        if (!breaker.allow()) {
            return fall(change, candidates, "breaker open", "no request sent: the breaker opened after " + definition.breakerFailures() + " failures in a row", start);
        }
        List<FunctionGemma.Call> calls;
        try {
            calls = client.ask(new ModelClient.Ask(instruction, functions, TriagePrompt.user(change, node, byName)),
                    definition.timeout());
            checkCalls(calls, byName);
        } catch (ModelClient.Failure f) {
            if (breaker.failed()) {
                warn.accept("triage: " + definition.who() + " failed " + definition.breakerFailures() + " times in a row (last: "
                        + f.cause + ": " + f.getMessage() + "); the deterministic triage decides for "
                        + definition.breakerOpen().toSeconds() + " s before the next try");
            }
            return fall(change, candidates, f.cause, f.getMessage(), start);
        }
        breaker.succeeded();
        Set<String> called = new HashSet<>();
        int counted = 0;
        for (FunctionGemma.Call call : calls) {
            Candidate c = byName.get(call.name());
            if (c == null || !called.add(call.name())) {
                continue; // no_update, or a repeated call
            }
            String reason = "model: " + call.arguments().get("reason");
            if (counted >= definition.budget()) {
                rejected.add(new Decision.Verdict(c, "approved by the model but over the budget of " + definition.budget()
                        + " updates per change (" + reason + ")"));
            } else {
                counted++;
                approved.add(new Decision.Verdict(c, reason));
            }
        }
        String declined = calls.stream().filter(c -> c.name().equals(NO_UPDATE)).map(c -> String.valueOf(c.arguments().get("reason")))
                .findFirst().map(r -> "model called no_update: " + r).orElse("model did not call it");
        byName.forEach((name, c) -> {
            if (!called.contains(name)) {
                rejected.add(new Decision.Verdict(c, declined));
            }
        });
        return new Decision(definition.who(), approved, rejected, millis(start));
    }

    /** A call to a function not offered, a call without a reason, or no call at all: no usable answer. */
    private static void checkCalls(List<FunctionGemma.Call> calls, Map<String, Candidate> offered) throws ModelClient.Failure {
        if (calls.isEmpty()) {
            throw new ModelClient.Failure("no usable answer", "the model called no function (not even " + NO_UPDATE + ")");
        }
        for (FunctionGemma.Call c : calls) {
            if (!offered.containsKey(c.name()) && !c.name().equals(NO_UPDATE)) {
                throw new ModelClient.Failure("no usable answer", "the model called " + c.name() + ", which was not offered");
            }
            Object reason = c.arguments().get("reason");
            if (!(reason instanceof String r) || r.isBlank() || c.arguments().size() != 1) {
                throw new ModelClient.Failure("no usable answer", "bad arguments in the call of " + c.name() + ": "
                        + c.arguments() + " (expected only a text 'reason')");
            }
        }
    }

    private Decision fall(DiffBundle change, List<Candidate> candidates, String cause, String note, long start) {
        return fallback.decide(change, candidates).by("fallback:" + cause, millis(start), note);
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Override
    public void close() {
        client.close();
    }

    /** Opens after {@code failures} failures in a row; while open for {@code open}, no request is sent; then one is tried. */
    static final class Breaker {
        private final int failures;
        private final long openNanos;
        private final java.util.function.LongSupplier clock;
        private int streak;
        private long openUntil;

        Breaker(int failures, java.time.Duration open, java.util.function.LongSupplier clock) {
            this.failures = failures;
            this.openNanos = open.toNanos();
            this.clock = clock;
        }

        synchronized boolean allow() {
            return streak < failures || clock.getAsLong() - openUntil >= 0;
        }

        /** Counts a failure; true when it opened the breaker. */
        synchronized boolean failed() {
            streak++;
            if (streak >= failures) {
                openUntil = clock.getAsLong() + openNanos;
                return true;
            }
            return false;
        }

        synchronized void succeeded() {
            streak = 0;
        }
    }
}
