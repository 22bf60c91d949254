package dev.nodestate.hub.cli;

import dev.nodestate.hub.HubException;
import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code hub [COMMAND]}. Data goes to stdout, messages to stderr. */
@Command(name = "hub", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Node State Hub: live, queryable state for every function, method and class of a repository.",
        subcommands = {IndexCommand.class, WatchCommand.class, ServeCommand.class, NodeCommands.Show.class, NodeCommands.Find.class, ControlCommands.Status.class, ControlCommands.Stop.class, ToolsCommand.class, RulesCommand.class, TriageCommand.class, FailureCommand.class, TestSkeletonCommand.class, ReplCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    private final Supplier<HubSession> sessions;

    Main(Supplier<HubSession> sessions) {
        this.sessions = sessions;
    }

    HubSession session() {
        return sessions.get();
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code hub} alone: the REPL when stdin and stdout are a terminal, else the usage. */
    @Override
    public void run() {
        java.io.Console console = System.console();
        if (console != null && console.isTerminal()) {
            ReplCommand.interactive();
            return;
        }
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        ExitGuard guard = ExitGuard.get(); // before anything can start a guest thread
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = execute(args, out, err, HubSession::new);
        // autoflush covers println only: a command ending in print(...) would lose its output at exit
        out.flush();
        err.flush();
        guard.exit(code);
    }

    /** Runs a command line; returns the exit code (the only place exceptions become exit codes). */
    static int execute(String[] args, PrintWriter out, PrintWriter err, Supplier<HubSession> sessions) {
        CommandLine cli = new CommandLine(new Main(sessions));
        ReplCommand.addOneShots(cli);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof HubException h) {
                err.println("hub: " + h.getMessage());
                return h.exitCode().code();
            }
            err.println("hub: internal error: " + e);
            e.printStackTrace(err);
            return HubException.ExitCode.FAILURE.code();
        });
        cli.setExitCodeExceptionMapper(e -> e instanceof HubException h ? h.exitCode().code()
                : HubException.ExitCode.USAGE.code());
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Version from the jar manifest, with the runtime it was built for. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Package p = Main.class.getPackage();
            String version = p.getImplementationVersion() == null ? "dev" : p.getImplementationVersion();
            return new String[] {"hub " + version + " (Java " + Runtime.version() + ", GraalPy "
                    + org.graalvm.polyglot.Engine.class.getPackage().getImplementationVersion() + ")"};
        }
    }
}
