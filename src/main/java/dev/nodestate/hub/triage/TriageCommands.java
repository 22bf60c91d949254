package dev.nodestate.hub.triage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.rules.Problem;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** What {@code hub triage check|show|export|eval} do, for the CLI. */
public final class TriageCommands {

    private TriageCommands() {
    }

    /** The problems of {@code dir/agent.yaml} (none: it loads). */
    public static List<Problem> check(Path dir, int budget) {
        requireDefinition(dir);
        return AgentLoader.load(dir, budget).problems();
    }

    private static void requireDefinition(Path dir) {
        if (!Files.isRegularFile(dir.resolve(AgentLoader.FILE))) {
            throw new HubException(HubException.ExitCode.NOT_FOUND, "no " + dir.resolve(AgentLoader.FILE)
                    + "; the hub ships one in its triage/ directory: copy it to the repository's triage/ to change it");
        }
    }

    /** The definition in service for {@code dir} (HUB_TRIAGE_URL applied) as JSON, with its instruction. */
    public static ObjectNode show(Path dir, int budget) {
        requireDefinition(dir);
        AgentLoader.Loaded loaded = AgentLoader.load(dir, budget);
        if (!loaded.ok()) {
            throw new HubException(HubException.ExitCode.CHECK_FAILED, dir.resolve(AgentLoader.FILE) + " has errors (hub triage check lists them)");
        }
        AgentDefinition d = loaded.definition();
        String url = System.getenv(TriageAgent.URL_OVERRIDE);
        if (url != null && !url.isBlank()) {
            d = d.withBaseUrl(url.strip());
        }
        ObjectNode o = RecordedChange.MAPPER.valueToTree(d);
        o.put("decided_by", d.engine().equals(AgentDefinition.OFF) ? "deterministic" : d.who());
        o.put("describe", d.describe());
        o.put("base_url_from", url != null && !url.isBlank() ? TriageAgent.URL_OVERRIDE : "agent.yaml");
        o.put("instruction", TriageAgent.instruction(d));
        return o;
    }

    /** Writes the training set of {@code traces} to {@code out}; returns the number of examples. */
    public static int export(Path dir, Path traces, Instant since, Predicate<String> runnable, Path out, Consumer<String> warn) {
        AgentLoader.Loaded loaded = dir != null && Files.isRegularFile(dir.resolve(AgentLoader.FILE)) ? AgentLoader.load(dir, 4) : null;
        AgentDefinition d = loaded != null && loaded.ok() ? loaded.definition() : AgentDefinition.builtIn(4);
        List<RecordedChange> changes = RecordedChange.read(traces, since, warn);
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            return TrainingSet.write(changes, TriageAgent.instruction(d), runnable, d.maxCandidates(), w);
        } catch (IOException e) {
            throw new HubException(HubException.ExitCode.FAILURE, "cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /** Replays {@code traces} through the agent of {@code dir} and the deterministic triage; one row each. */
    public static ArrayNode eval(Path dir, Path traces, int budget, Predicate<String> runnable, Consumer<String> warn,
            Consumer<String> table) {
        List<RecordedChange> changes = RecordedChange.read(traces, null, warn);
        ArrayNode rows = RecordedChange.MAPPER.createArrayNode();
        table.accept(TriageEval.HEADER);
        try (TriageAgent agent = TriageAgent.open(dir, budget, runnable, warn)) {
            DeterministicTriage baseline = new DeterministicTriage(agent.definition().budget(), runnable);
            for (TriageEval.Figures f : List.of(TriageEval.run("deterministic (baseline)", baseline, changes),
                    TriageEval.run(agent.definition().engine().equals(AgentDefinition.OFF) ? "deterministic (configured)"
                            : agent.definition().who(), agent, changes))) {
                table.accept(f.describe());
                ObjectNode row = rows.addObject();
                row.put("triage", f.triage()).put("changes", f.changes()).put("candidates", f.candidates())
                        .put("approved", f.approved()).put("runs_saved_percent", f.savedPercent())
                        .put("useful_runs", f.useful()).put("missed", f.missed()).put("missed_percent", f.missedPercent())
                        .put("p50_ms", f.p50Ms()).put("p99_ms", f.p99Ms());
                row.set("decided_by", RecordedChange.MAPPER.valueToTree(f.decidedBy()));
            }
        }
        return rows;
    }
}
