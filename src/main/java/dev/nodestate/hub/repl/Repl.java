package dev.nodestate.hub.repl;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.store.NodeLookup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jline.builtins.Less;
import org.jline.builtins.Source;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.InfoCmp;

/**
 * The {@code hub>} prompt: reads a line (completion, history in {@code .agentfs/repl_history}), runs it
 * through {@link ReplCommands} on a worker thread so Ctrl-C can give the prompt back at once, prints the
 * reply (JSON with --json; long text through a pager on a terminal) or one error line, and goes on.
 * Ctrl-D or {@code quit} leaves.
 */
public final class Repl {

    static final String PROMPT = "hub> ";

    /**
     * How the REPL prints: colour, the pager, the prompt and the banner only make sense on a real
     * terminal; piped (a script feeding commands) it prints replies only, the banner going to stderr.
     */
    record Look(boolean json, boolean color, boolean pager, boolean prompt) {
    }

    private final Terminal terminal;
    private final ReplCommands commands;
    private final Look look;
    private final PrintStream messages;
    private final LineReader reader;

    Repl(Terminal terminal, ReplCommands commands, Path historyFile, Look look, PrintStream messages) {
        this.terminal = terminal;
        this.commands = commands;
        this.look = look;
        this.messages = messages;
        this.reader = LineReaderBuilder.builder().terminal(terminal).appName("hub")
                .completer(new NodeCompleter(this::idsOrNone, commands::toolNames))
                .completionMatcher(new NodeCompleter.Matcher())
                .variable(LineReader.HISTORY_FILE, historyFile)
                .option(LineReader.Option.INSERT_TAB, false)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
    }

    /** The history file of a repository. */
    static Path historyFile(Path root) {
        return root.resolve(".agentfs").resolve("repl_history");
    }

    /**
     * Opens the REPL on this process's terminal: on the running hub of the repository, else on its store
     * (read-write when free, read-only when another process holds it). Returns the exit code.
     */
    public static int interactive(ReplCommands.Settings settings) throws IOException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build();
             ReplCommands commands = ReplCommands.open(settings, true, null)) {
            boolean real = !Terminal.TYPE_DUMB.equals(terminal.getType()) && !Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
            Look look = new Look(settings.json(), real && System.getenv("NO_COLOR") == null && !settings.json(),
                    real && !settings.json(), real);
            return new Repl(terminal, commands, historyFile(settings.root()), look, System.err).loop();
        }
    }

    /** Reads and runs commands until quit or Ctrl-D; returns 0. */
    int loop() {
        try {
            Files.createDirectories(historyFile(commands.settings().root()).getParent());
        } catch (IOException e) {
            messages.println("hub: no history: cannot create " + e.getMessage());
        }
        String banner = "hub on " + commands.settings().root() + ": " + commands.mode()
                + "\n`help` lists the commands, Tab completes, Ctrl-C cancels a command, Ctrl-D exits.";
        if (look.json() || !look.prompt()) {
            messages.println(banner);
        } else {
            terminal.writer().println(banner);
        }
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine(look.prompt() ? PROMPT : "");
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt clears the line
                } catch (EndOfFileException e) {
                    break;
                }
                String command = line.strip();
                if (command.isEmpty()) {
                    continue;
                }
                if (command.equals("quit") || command.equals("exit")) {
                    break;
                }
                execute(command);
            }
        } finally {
            try {
                reader.getHistory().save();
            } catch (IOException e) {
                messages.println("hub: history not saved: " + e.getMessage());
            }
            terminal.writer().flush();
        }
        return 0;
    }

    /**
     * Runs one command on a worker thread. Ctrl-C gives the prompt back at once; the command is not
     * interrupted (an interrupt would close the store's file channels) but its reply is dropped.
     */
    private void execute(String line) {
        CompletableFuture<ReplCommands.Reply> reply = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("hub-repl-command").start(() -> {
            try {
                reply.complete(commands.run(line));
            } catch (Throwable t) {
                reply.completeExceptionally(t);
            }
        });
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> reply.cancel(false));
        try {
            print(reply.get());
        } catch (CancellationException e) {
            error("cancelled: " + line);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NodeLookup.Ambiguous a) {
                error("'" + a.query() + "' is ambiguous (" + a.candidates().size() + " nodes): " + Render.inline(a.candidates(), 10));
            } else if (cause instanceof HubException h) {
                error(oneLine(h.getMessage()));
            } else {
                error("internal error: " + cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
        }
    }

    private void print(ReplCommands.Reply reply) {
        PrintWriter out = terminal.writer();
        if (look.json()) {
            out.println(reply.json().toString());
        } else if (look.pager() && reply.text().lines().count() > Math.max(terminal.getHeight() - 2, 5)) {
            page(reply.text());
        } else {
            String text = reply.text();
            int firstLine = text.indexOf('\n');
            if (look.color() && firstLine > 0) {
                out.print(new AttributedString(text.substring(0, firstLine), AttributedStyle.BOLD).toAnsi(terminal));
                text = text.substring(firstLine);
            }
            out.print(text);
        }
        out.flush();
    }

    private void page(String text) {
        try {
            Less less = new Less(terminal, commands.settings().root());
            less.quitIfOneScreen = true;
            less.noInit = true; // like less -FX: what was read stays on the screen after q
            less.run(new Source.InputStreamSource(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), true, "hub"));
            terminal.puts(InfoCmp.Capability.carriage_return); // the pager's ':' line
            terminal.puts(InfoCmp.Capability.clr_eol);
        } catch (IOException e) {
            terminal.writer().print(text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void error(String message) {
        if (!look.json() && !look.prompt()) {
            messages.println("error: " + message); // piped: stdout keeps the data only
        } else if (look.json()) {
            terminal.writer().println(ReplCommands.JSON.createObjectNode().put("error", message).toString());
        } else if (look.color()) {
            terminal.writer().println(new AttributedString("error: " + message, AttributedStyle.DEFAULT.foreground(AttributedStyle.RED))
                    .toAnsi(terminal));
        } else {
            terminal.writer().println("error: " + message);
        }
        terminal.writer().flush();
    }

    private java.util.List<String> idsOrNone() {
        try {
            return commands.ids();
        } catch (RuntimeException e) {
            return java.util.List.of();
        }
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replace("\n", "; ").replaceAll("\\s+", " ");
    }
}
