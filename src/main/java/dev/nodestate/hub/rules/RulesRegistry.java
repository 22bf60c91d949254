package dev.nodestate.hub.rules;

import dev.nodestate.hub.DirectoryWatch;
import dev.nodestate.hub.HubException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The rules in service for one directory. Loads at construction; with {@link #watch()} it reloads
 * when a {@code *.yaml} file is added, changed or deleted (after 100 ms without further events,
 * at most 1 s after the first). A load with errors never replaces the rules in service: the last
 * good set stays, {@link #problems()} says why, and listeners hear of it. Until a first valid
 * load the registry serves no rules at all (a typo must not make half a rule set fire).
 */
public final class RulesRegistry implements AutoCloseable {

    static final long QUIET_MS = 100;
    static final long FLUSH_MS = 1_000;

    /**
     * The outcome of one load attempt.
     *
     * @param attempted what was read (with its problems)
     * @param applied   whether it was put in service
     * @param current   the rules in service afterwards
     */
    public record Update(RuleSet attempted, boolean applied, RuleSet current) {
        /** Lines for a log or stderr: what happened, then each problem. */
        public List<String> describe() {
            List<String> lines = new ArrayList<>();
            String dir = attempted.directory().toString();
            if (applied) {
                lines.add("rules reloaded from " + dir + ": " + current.rules().size() + " rule(s)"
                        + (attempted.warnings().isEmpty() ? "" : ", " + attempted.warnings().size() + " warning(s)"));
            } else {
                lines.add("rules in " + dir + " have " + attempted.errors().size() + " error(s); keeping the last good rules ("
                        + current.rules().size() + " rule(s))");
            }
            attempted.problems().forEach(p -> lines.add("  " + p.describe()));
            return lines;
        }
    }

    private final Path directory;
    private final Predicate<String> toolExists;
    private final List<Consumer<Update>> listeners = new CopyOnWriteArrayList<>();
    private volatile RuleSet current;
    private volatile RuleSet lastAttempt;
    private volatile java.time.Instant loadedAt;
    private DirectoryWatch watch;

    /**
     * Loads {@code directory}. {@code toolExists} is asked on every load, so a live view of the
     * tool registry makes {@link #revalidate()} see tools that appeared or went.
     */
    public RulesRegistry(Path directory, Predicate<String> toolExists) {
        this.directory = directory.toAbsolutePath().normalize();
        this.toolExists = toolExists;
        this.current = RuleSet.empty(this.directory);
        RuleSet first = RuleSet.load(this.directory, toolExists);
        this.lastAttempt = first;
        if (!first.hasErrors()) {
            current = first;
            loadedAt = java.time.Instant.now();
        }
    }

    public Path directory() {
        return directory;
    }

    /** The rules in service: the last load without errors. */
    public RuleSet current() {
        return current;
    }

    /** When the rules in service were loaded; null until a first valid load. */
    public java.time.Instant loadedAt() {
        return loadedAt;
    }

    /** Errors and warnings of the last load attempt (empty when it was clean). */
    public List<Problem> problems() {
        return lastAttempt.problems();
    }

    /** Called after every reload caused by a file change, and after a revalidation that changed something. */
    public void onChange(Consumer<Update> listener) {
        listeners.add(listener);
    }

    /** Reads the directory again; puts the result in service if it has no errors. */
    public synchronized Update reload() {
        RuleSet attempt;
        try {
            attempt = RuleSet.load(directory, toolExists);
        } catch (HubException e) {
            Problem gone = new Problem(String.valueOf(directory.getFileName()), 1, 1, Problem.Severity.ERROR, "",
                    e.getMessage(), "restore the directory");
            attempt = new RuleSet(directory, List.of(), List.of(), List.of(gone));
        }
        lastAttempt = attempt;
        boolean applied = !attempt.hasErrors();
        if (applied) {
            current = attempt;
            loadedAt = java.time.Instant.now();
        }
        return new Update(attempt, applied, current);
    }

    /**
     * Loads again because the installed tools changed: a tool that appeared can make rules valid
     * (or an optional proposal active), one that went can make them invalid. Listeners hear of it
     * only when the problems changed.
     */
    public Update revalidate() {
        List<Problem> before = problems();
        Update update = reload();
        if (!before.equals(update.attempted().problems())) {
            fire(update);
        }
        return update;
    }

    /** Starts watching the directory for {@code *.yaml} changes; reloads apply in the background. */
    public synchronized RulesRegistry watch() {
        if (watch == null) {
            // .yml too: a reload then warns that such files are ignored
            watch = DirectoryWatch.start(directory, "hub-rules-watch",
                    p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"),
                    Duration.ofMillis(QUIET_MS), Duration.ofMillis(FLUSH_MS), batch -> fire(reload()));
        }
        return this;
    }

    private void fire(Update update) {
        for (Consumer<Update> l : listeners) {
            try {
                l.accept(update);
            } catch (RuntimeException e) {
                System.err.println("hub: a rules listener failed: " + e);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
