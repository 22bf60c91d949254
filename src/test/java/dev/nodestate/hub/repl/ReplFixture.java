package dev.nodestate.hub.repl;

import dev.nodestate.hub.store.FileIndex;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;

/** A small stored repository (no Python needed) and a REPL session on a JLine test terminal. */
final class ReplFixture {

    static final String CALC = """
            class Calculator:
                def __init__(self):
                    self.total = 0

                def add(self, x: int) -> int:
                    \"\"\"Adds x.\"\"\"
                    self.total += x
                    return self.total

            class Printer:
                def __init__(self, out):
                    self.out = out
            """;

    private ReplFixture() {
    }

    /** Writes calc.py and stores its six nodes; Calculator.add has callers computed, the rest not. */
    static void storeCalc(Path repo) throws IOException {
        Files.writeString(repo.resolve("calc.py"), CALC);
        Instant now = Instant.now();
        List<NodeState> nodes = new ArrayList<>();
        nodes.add(node("calc.py", "calc.py", NodeState.Type.MODULE, now, Map.of("line_count", 12)));
        nodes.add(node("calc.py::Calculator", "Calculator", NodeState.Type.CLASS, now, Map.of("signature", "class Calculator")));
        nodes.add(node("calc.py::Calculator.__init__", "__init__", NodeState.Type.FUNCTION, now, Map.of("signature", "def __init__(self)")));
        nodes.add(node("calc.py::Calculator.add", "add", NodeState.Type.FUNCTION, now, Map.of("signature",
                "def add(self, x: int) -> int", "docstring", "Adds x.", "callers", List.of("main.py::run"),
                "related_tests", List.of())));
        nodes.add(node("calc.py::Printer", "Printer", NodeState.Type.CLASS, now, Map.of("signature", "class Printer")));
        nodes.add(node("calc.py::Printer.__init__", "__init__", NodeState.Type.FUNCTION, now, Map.of("signature", "def __init__(self, out)")));
        try (NodeStore store = NodeStore.open(repo)) {
            store.replaceFile(new FileIndex("calc.py", "h", 0, now, null), nodes);
        }
    }

    private static NodeState node(String id, String name, NodeState.Type type, Instant at, Map<String, ?> fields) {
        return NodeState.create(NodeId.parse(id), name, type, "s-" + name, "h", at, NodeState.Source.COLD_START)
                .with(Map.of("language", "python", "start_line", 1, "end_line", 12, "complexity", 1, "line_count", 3))
                .with(fields);
    }

    static ReplCommands.Settings settings(Path repo, boolean json) {
        return new ReplCommands.Settings(repo, Path.of("tools").toAbsolutePath(), Path.of("rules").toAbsolutePath(), json);
    }

    /**
     * Types {@code input} into a REPL on {@code repo} (a JLine ExternalTerminal, xterm) until the input
     * ends (Ctrl-D), and returns what the terminal showed, escape sequences removed.
     */
    static String session(Path repo, boolean json, String input) throws Exception {
        try (ReplCommands commands = ReplCommands.open(settings(repo, json), false, null)) {
            return session(commands, input);
        }
    }

    static String session(ReplCommands commands, String input) throws Exception {
        try (Session session = new Session(commands)) {
            session.type(input);
            return session.end();
        }
    }

    /** A REPL running on a test terminal, typed into step by step. */
    static final class Session implements AutoCloseable {
        private final PipedOutputStream keys = new PipedOutputStream();
        private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
        private final ByteArrayOutputStream messages = new ByteArrayOutputStream();
        private final Terminal terminal;
        private final Thread loop;

        Session(ReplCommands commands) throws IOException {
            PipedInputStream in = new PipedInputStream(keys, 64 * 1024);
            terminal = new ExternalTerminal("test", "xterm", in, screen, StandardCharsets.UTF_8);
            terminal.setSize(new org.jline.terminal.Size(160, 40));
            Repl repl = new Repl(terminal, commands, Repl.historyFile(commands.settings().root()),
                    new Repl.Look(commands.settings().json(), false, false, true), new PrintStream(messages, true, StandardCharsets.UTF_8));
            loop = Thread.ofPlatform().start(repl::loop);
        }

        void type(String input) throws IOException {
            keys.write(input.getBytes(StandardCharsets.UTF_8));
            keys.flush();
        }

        /** Waits until the screen shows {@code text}; returns the screen. */
        String await(String text, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                String now = screen();
                if (now.contains(text)) {
                    return now;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("the terminal did not show '" + text + "' within " + timeout + ":\n" + screen());
        }

        String screen() {
            synchronized (screen) {
                return plain(screen) + plain(messages);
            }
        }

        /** Ctrl-D at the prompt, and the whole screen once the REPL has ended. */
        String end() throws Exception {
            keys.write(4);
            keys.flush();
            loop.join(Duration.ofSeconds(30));
            if (loop.isAlive()) {
                throw new AssertionError("the REPL did not end on Ctrl-D; the screen so far:\n" + screen());
            }
            return screen();
        }

        @Override
        public void close() throws IOException {
            keys.close();
            terminal.close();
        }
    }

    private static String plain(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8)
                .replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "")
                .replaceAll("\u001B[()][A-Z0-9]", "")
                .replaceAll("\u001B[=>]", "")
                .replaceAll("[\\p{Cntrl}&&[^\n\t]]", ""); // \r, bells, backspaces of redraws
    }
}
