package dev.nodestate.hub.cli;

import dev.nodestate.hub.repl.Repl;
import dev.nodestate.hub.repl.ReplCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hub repl [PATH]} (also plain {@code hub} on a terminal) and the REPL's commands one-shot from the shell. */
@Command(name = "repl", mixinStandardHelpOptions = true,
        description = "The hub> prompt: explore the code through the running hub (or the store when none runs). Tab completes; `help` lists the commands.")
final class ReplCommand implements Callable<Integer> {

    /** REPL commands that also run one-shot ({@code hub callers X}); show, find, status, tools and rules have their own. */
    static final List<String> ONE_SHOT = List.of("callers", "callees", "tests", "similar", "context", "impact", "run", "trace");

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "Repository (default: current directory).")
    Path repo = Path.of("");

    @Option(names = "--json", description = "Print one JSON document per command (for scripts).")
    boolean json;

    @Option(names = "--tools", paramLabel = "DIR", description = "Tools directory (default: the hub's tools/).")
    Path tools;

    @Option(names = "--rules", paramLabel = "DIR", description = "Rules directory (default: PATH/rules if present, else the hub's rules/).")
    Path rules;

    @Override
    public Integer call() throws IOException {
        return Repl.interactive(settings(repo, tools, rules, json));
    }

    static ReplCommands.Settings settings(Path given, Path tools, Path rules, boolean json) {
        Path repo = RepoRoot.of(given);
        return new ReplCommands.Settings(repo, tools != null ? tools.toAbsolutePath() : HubSession.defaultToolsDir(),
                HubSession.rulesDir(repo, rules), json);
    }

    /** Opens the REPL on the current directory; for {@code hub} with no arguments on a terminal. */
    static int interactive() {
        try {
            return Repl.interactive(settings(Path.of(""), null, null, false));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal: " + e.getMessage(), e);
        }
    }

    /** Adds {@code hub callers NODE} and the other one-shot commands to the root command line. */
    static void addOneShots(CommandLine root) {
        for (String name : ONE_SHOT) {
            CommandLine sub = new CommandLine(new OneShot(name));
            sub.getCommandSpec().usageMessage().description(OneShot.description(name));
            root.addSubcommand(name, sub);
        }
    }

    /** One REPL command run once from the shell, through the same {@link ReplCommands}. */
    @Command(mixinStandardHelpOptions = true)
    static final class OneShot implements Callable<Integer> {
        private final String command;

        @Spec
        CommandSpec spec;

        @picocli.CommandLine.ParentCommand
        Main main;

        @Parameters(paramLabel = "ARG", description = "As at the hub> prompt (`hub repl`, then `help`).")
        List<String> args = new ArrayList<>();

        @Option(names = "--repo", paramLabel = "PATH", description = "Repository (default: current directory).")
        Path repo = Path.of("");

        @Option(names = "--json", description = "Print the result as one JSON document.")
        boolean json;

        @Option(names = "--tools", paramLabel = "DIR", description = "Tools directory (default: the hub's tools/).")
        Path tools;

        @Option(names = "--rules", paramLabel = "DIR", description = "Rules directory.")
        Path rules;

        OneShot(String command) {
            this.command = command;
        }

        static String description(String name) {
            return switch (name) {
                case "callers" -> "Who calls NODE (as stored by the find_callers tool).";
                case "callees" -> "What NODE calls (as stored by the find_callees tool).";
                case "tests" -> "Tests related to NODE (as stored by the find_tests tool).";
                case "similar" -> "Nodes similar to NODE.";
                case "context" -> "NODE's context blob: its facts and whether they are fresh.";
                case "impact" -> "Changing NODE's API: its callers, its tests, and whether its module exports it.";
                case "run" -> "run TOOL [NODE] [KEY=VALUE...]: run a tool; NODE fills node_id and file_path(s).";
                case "trace" -> "trace [NODE] [N]: the last N update traces (of NODE).";
                default -> name;
            };
        }

        @Override
        public Integer call() {
            try (HubSession session = main.session()) {
                ReplCommands.oneShot(settings(repo, tools, rules, json), command, args, spec.commandLine().getOut(), session::runtime);
            }
            return 0;
        }
    }
}
