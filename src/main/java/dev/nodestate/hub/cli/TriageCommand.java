package dev.nodestate.hub.cli;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.rules.Problem;
import dev.nodestate.hub.trace.TraceLog;
import dev.nodestate.hub.triage.TriageCommands;
import dev.nodestate.hub.triage.DeterministicTriage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hub triage check|show|export|eval}: the triage agent of {@code triage/} (the repository's own, else the
 * hub's), its training set and its evaluation against the deterministic triage on recorded changes.
 */
@Command(name = "triage", mixinStandardHelpOptions = true, description = "Check, show, export training data for and evaluate the triage agent.",
        subcommands = {TriageCommand.Check.class, TriageCommand.Show.class, TriageCommand.Export.class, TriageCommand.Eval.class})
final class TriageCommand implements Runnable {

    @Option(names = "--triage", scope = picocli.CommandLine.ScopeType.INHERIT, paramLabel = "DIR", description = "Triage directory (default: REPO/triage if present, else the hub's triage/).")
    Path triageDir;

    @Option(names = "--tools", scope = picocli.CommandLine.ScopeType.INHERIT, paramLabel = "DIR", description = "Tools directory (default: the hub's tools/).")
    Path toolsDir;

    @Option(names = "--repo", scope = picocli.CommandLine.ScopeType.INHERIT, paramLabel = "PATH", description = "Repository (default: current directory).")
    Path repo = Path.of("");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    Path dir() {
        return HubSession.triageDir(repo, triageDir);
    }

    Set<String> tools() {
        return HubSession.toolNames(toolsDir);
    }

    Path traces(Path explicit) {
        return explicit != null ? explicit : TraceLog.directory(repo.toAbsolutePath().normalize()).resolve("updates.jsonl");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Load triage/agent.yaml and list every problem (file:line: field: what (what to do)). Exits 7 on errors.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        TriageCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print the problems as JSON.")
        boolean json;

        @Override
        public Integer call() {
            List<Problem> problems = TriageCommands.check(parent.dir(), DeterministicTriage.DEFAULT_BUDGET);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.pretty(Json.MAPPER.createObjectNode().put("triage_dir", parent.dir().toString())
                        .put("errors", problems.stream().filter(Problem::isError).count()).set("problems", Json.MAPPER.valueToTree(problems))));
            } else {
                problems.forEach(p -> out.println(p.describe()));
                spec.commandLine().getErr().printf("%s: %d error(s)%n", parent.dir().resolve("agent.yaml"),
                        problems.stream().filter(Problem::isError).count());
            }
            return problems.stream().anyMatch(Problem::isError) ? ExitCode.CHECK_FAILED.code() : 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the triage definition a hub started here would use (HUB_TRIAGE_URL applied) and its instruction.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        TriageCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print as JSON.")
        boolean json;

        @Override
        public Integer call() {
            var d = TriageCommands.show(parent.dir(), DeterministicTriage.DEFAULT_BUDGET);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.pretty(d));
            } else {
                out.println(d.path("describe").asText());
                out.println("  source: " + d.path("source").asText() + "; base_url from " + d.path("base_url_from").asText());
                out.println("  decided by: " + d.path("decided_by").asText() + " (fallback: " + d.path("fallback").asText() + ")");
                out.println("  instruction:");
                d.path("instruction").asText().lines().forEach(l -> out.println("    " + l));
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a JSONL training set for a FunctionGemma LoRA from the recorded changes: the request the model would get, "
                    + "and as target the calls of the updates that changed stored state (or no_update). See README, Triage.")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        TriageCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--since", paramLabel = "WHEN", description = "Only changes since an ISO time (2026-12-01T00:00:00Z) or a duration ago (24h, 7d, 30m).")
        String since;

        @Option(names = "--traces", paramLabel = "FILE", description = "Trace file (default: REPO/.agentfs/traces/updates.jsonl).")
        Path traces;

        @Parameters(paramLabel = "FILE", description = "Where to write the JSONL.")
        Path out;

        @Override
        public Integer call() {
            Instant from = since == null ? null : parseSince(since);
            PrintWriter err = spec.commandLine().getErr();
            int n = TriageCommands.export(parent.dir(), parent.traces(traces), from, parent.tools()::contains, out, err::println);
            err.printf("wrote %d example(s) to %s%n", n, out);
            return 0;
        }
    }

    static Instant parseSince(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smhd])").matcher(text.strip());
            if (!m.matches()) {
                throw new HubException(ExitCode.USAGE, "--since " + text + ": give an ISO time (2026-12-01T00:00:00Z) or a duration (30m, 24h, 7d)");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return Instant.now().minus(d);
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Replay recorded changes through the configured triage and the deterministic triage: tool runs saved, "
                    + "state changes missed, decision latency p50/p99, who decided (fallbacks by cause).")
    static final class Eval implements Callable<Integer> {
        @ParentCommand
        TriageCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print the figures as JSON.")
        boolean json;

        @Parameters(arity = "0..1", paramLabel = "TRACES", description = "Trace file (default: REPO/.agentfs/traces/updates.jsonl).")
        Path traces;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            var rows = TriageCommands.eval(parent.dir(), parent.traces(traces), DeterministicTriage.DEFAULT_BUDGET, parent.tools()::contains,
                    err::println, json ? err::println : out::println);
            if (json) {
                out.println(Json.pretty(rows));
            }
            return 0;
        }
    }
}
