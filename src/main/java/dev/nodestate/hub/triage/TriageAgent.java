package dev.nodestate.hub.triage;

import dev.nodestate.hub.DirectoryWatch;
import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import dev.nodestate.hub.rules.Problem;
import dev.nodestate.hub.store.NodeState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The triage in service, as {@code triage/agent.yaml} defines it, reloaded when a file of the directory
 * changes. A load with errors keeps the last good definition (and says why); before a first good one, and
 * where there is no {@code triage/} directory, the deterministic triage decides alone. {@code HUB_TRIAGE_URL}
 * overrides the endpoint's base_url.
 */
public final class TriageAgent implements Triage {

    /** The environment variable that overrides {@code endpoint.base_url} for a run. */
    public static final String URL_OVERRIDE = "HUB_TRIAGE_URL";

    private final Path dir;
    private final int budget;
    private final Predicate<String> runnable;
    private final Consumer<String> warn;
    private final String urlOverride;
    private volatile Triage current;
    private volatile AgentDefinition definition;
    private volatile List<Problem> problems = List.of();
    private DirectoryWatch watch;

    private TriageAgent(Path dir, int budget, Predicate<String> runnable, Consumer<String> warn, String urlOverride) {
        this.dir = dir;
        this.budget = budget;
        this.runnable = runnable;
        this.warn = warn;
        this.urlOverride = urlOverride == null || urlOverride.isBlank() ? null : urlOverride.strip();
        this.definition = AgentDefinition.builtIn(budget);
        this.current = new DeterministicTriage(budget, runnable);
    }

    /**
     * The agent of {@code dir} (null or missing: the deterministic triage). {@code runnable} says whether a tool can
     * run now; {@code warn} gets messages for the user.
     */
    public static TriageAgent open(Path dir, int budget, Predicate<String> runnable, Consumer<String> warn) {
        return open(dir, budget, runnable, warn, System.getenv(URL_OVERRIDE));
    }

    static TriageAgent open(Path dir, int budget, Predicate<String> runnable, Consumer<String> warn, String urlOverride) {
        TriageAgent agent = new TriageAgent(dir == null ? null : dir.toAbsolutePath().normalize(), budget, runnable, warn, urlOverride);
        agent.reload();
        return agent;
    }

    /** Reads the directory again; returns the problems of this load (empty: put in service). */
    public synchronized List<Problem> reload() {
        if (dir == null || !Files.isRegularFile(dir.resolve(AgentLoader.FILE))) {
            problems = List.of();
            return problems;
        }
        AgentLoader.Loaded loaded = AgentLoader.load(dir, budget);
        problems = loaded.problems();
        if (!loaded.ok()) {
            warn.accept("triage: " + dir.getFileName() + "/" + AgentLoader.FILE + " has errors; keeping " + definition.describe());
            loaded.problems().forEach(p -> warn.accept("  " + p.describe()));
            return problems;
        }
        AgentDefinition d = loaded.definition();
        if (urlOverride != null) {
            d = d.withBaseUrl(urlOverride);
        }
        Triage next;
        try {
            next = build(d, runnable, warn);
        } catch (RuntimeException e) {
            warn.accept("triage: cannot start " + d.describe() + ": " + e.getMessage() + "; keeping " + definition.describe());
            return problems;
        }
        Triage before = current;
        current = next;
        definition = d;
        before.close();
        return problems;
    }

    /** The triage a definition describes. */
    static Triage build(AgentDefinition d, Predicate<String> runnable, Consumer<String> warn) {
        DeterministicTriage fallback = new DeterministicTriage(d.budget(), runnable);
        if (d.engine().equals(AgentDefinition.OFF)) {
            return fallback;
        }
        ModelClient client = switch (d.engine()) {
            case AgentDefinition.EMBEDDED -> EmbeddedModel.open(d);
            default -> new OpenAiEndpoint(d.baseUrl(), d.adapter() != null ? d.adapter() : d.model(), apiKey(d),
                    d.temperature(), d.timeout().compareTo(Duration.ofSeconds(1)) < 0 ? d.timeout() : Duration.ofSeconds(1));
        };
        return new ModelTriage(d, instruction(d), client, fallback, new ModelTriage.Breaker(d.breakerFailures(), d.breakerOpen(),
                System::nanoTime), warn);
    }

    private static String apiKey(AgentDefinition d) {
        return d.apiKeyEnv() == null ? null : System.getenv(d.apiKeyEnv());
    }

    static String instruction(AgentDefinition d) {
        if (d.prompt() == null) {
            return TriagePrompt.DEFAULT_INSTRUCTION;
        }
        try {
            return Files.readString(d.prompt(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the prompt " + d.prompt() + ": " + e.getMessage(), e);
        }
    }

    /** Reloads when a file of the directory changes (a no-op without a directory). */
    public synchronized TriageAgent watch() {
        if (watch == null && dir != null && Files.isDirectory(dir)) {
            watch = DirectoryWatch.start(dir, "hub-triage-watch", p -> true, Duration.ofMillis(100), Duration.ofSeconds(1),
                    batch -> {
                        List<Problem> found = reload();
                        if (found.stream().noneMatch(Problem::isError)) {
                            warn.accept("triage: reloaded " + definition.describe());
                        }
                    });
        }
        return this;
    }

    public AgentDefinition definition() {
        return definition;
    }

    /** The problems of the last load. */
    public List<Problem> problems() {
        return problems;
    }

    @Override
    public Decision decide(DiffBundle change, List<Candidate> candidates) {
        return current.decide(change, null, candidates);
    }

    @Override
    public Decision decide(DiffBundle change, NodeState node, List<Candidate> candidates) {
        return current.decide(change, node, candidates);
    }

    @Override
    public String name() {
        return current.name();
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
        }
        current.close();
    }
}
