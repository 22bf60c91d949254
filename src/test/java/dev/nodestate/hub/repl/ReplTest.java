package dev.nodestate.hub.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub> REPL driven through a JLine test terminal, on a stored repository without a running hub. */
class ReplTest {

    @TempDir
    Path repo;

    @BeforeEach
    void storeARepository() throws Exception {
        ReplFixture.storeCalc(repo);
    }

    @Test
    void tabCompletesANodeIdFromPartOfItsQualifiedName() throws Exception {
        String screen = ReplFixture.session(repo, false, "show Calculator.ad\t\n");
        assertTrue(history().contains("show calc.py::Calculator.add\n"), history()); // the line as completed
        assertTrue(screen.contains("calc.py::Calculator.add  (function, python, lines 1-12)"), screen);
        assertTrue(screen.contains("def add(self, x: int) -> int"), screen);
    }

    @Test
    void tabCompletesFuzzilyWhenNoIdContainsTheTypedWord() throws Exception {
        String screen = ReplFixture.session(repo, false, "callers CalcAdd\t\n");
        assertTrue(history().contains("callers calc.py::Calculator.add\n"), history());
        assertTrue(screen.contains("callers of calc.py::Calculator.add (1):\n  main.py::run"), screen);
    }

    @Test
    void tabCompletesCommandNames() throws Exception {
        String screen = ReplFixture.session(repo, false, "callee\tcalc.py::Calculator.add\n");
        assertTrue(screen.contains("callees of calc.py::Calculator.add: not computed yet (the find_callees tool fills them)"), screen);
    }

    private String history() throws java.io.IOException {
        return Files.readString(repo.resolve(".agentfs/repl_history"));
    }

    @Test
    void historyIsKeptAcrossSessionsInAgentfs() throws Exception {
        ReplFixture.session(repo, false, "find Printer\n");
        Path history = repo.resolve(".agentfs/repl_history");
        assertTrue(Files.readString(history).contains("find Printer"), Files.readString(history));
        String second = ReplFixture.session(repo, false, "\u0010\n"); // Ctrl-P: the previous line, from the first session
        assertTrue(second.contains("hub> find Printer"), second);
        assertTrue(second.contains("calc.py::Printer.__init__"), second);
    }

    @Test
    void anAmbiguousPrefixListsTheCandidatesOnOneLineAndThePromptStays() throws Exception {
        String screen = ReplFixture.session(repo, false, "show __init__\ntests add\n");
        assertTrue(screen.contains("error: '__init__' is ambiguous (2 nodes): calc.py::Calculator.__init__, calc.py::Printer.__init__\n"),
                screen);
        assertTrue(screen.contains("tests of calc.py::Calculator.add: none"), screen);
    }

    @Test
    void anUnknownNodeIsOneErrorLineAndTheReplGoesOn() throws Exception {
        String screen = ReplFixture.session(repo, false, "callers nosuch\nfrobnicate\nshow Printer\n");
        assertTrue(screen.contains("error: no node matches 'nosuch'; try `hub find nosuch`\n"), screen);
        assertTrue(screen.contains("error: unknown command 'frobnicate'; commands: show find"), screen);
        assertTrue(screen.contains("calc.py::Printer  (class, python"), screen);
    }

    @Test
    void theBannerSaysTheStoreIsOpenedWhenNoHubRuns() throws Exception {
        String screen = ReplFixture.session(repo, false, "status\n");
        assertTrue(screen.contains("no hub running: opened the store"), screen);
        assertTrue(screen.contains("6 nodes in 1 files"), screen);
    }

    @Test
    void jsonModePrintsOneDocumentPerCommand() throws Exception {
        String screen = ReplFixture.session(repo, true, "show Calculator.add\nshow nosuch\nfind init\n");
        List<JsonNode> docs = screen.lines().filter(l -> l.startsWith("{")).map(l -> {
            try {
                return ReplCommands.JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertEquals(3, docs.size(), screen);
        assertEquals("node:calc.py::Calculator.add", docs.get(0).path("key").asText());
        assertTrue(docs.get(1).path("error").asText().startsWith("no node matches 'nosuch'"), screen);
        assertEquals(2, docs.get(2).path("results").size(), screen);
    }

    @Test
    void helpListsEveryCommand() throws Exception {
        String screen = ReplFixture.session(repo, false, "help\n");
        for (ReplCommands.Spec s : ReplCommands.SPECS) {
            assertTrue(screen.contains(s.usage()), s.usage() + " missing from:\n" + screen);
        }
    }

    @Test
    void ctrlCCancelsTheRunningCommandAndThePromptComesBack(@TempDir Path tools) throws Exception {
        Files.writeString(tools.resolve("spin.pym"), """
                \"\"\"Busy for seconds.\"\"\"
                # limits: time=5s
                n = 0
                while n < 10 ** 9:
                    n += 1
                n
                """);
        ReplCommands.Settings settings = new ReplCommands.Settings(repo, tools, Path.of("rules").toAbsolutePath(), false);
        try (ReplCommands commands = ReplCommands.open(settings, false, dev.nodestate.hub.SharedRuntime::get);
             ReplFixture.Session session = new ReplFixture.Session(commands)) {
            session.type("run spin\n");
            session.await("hub> run spin\n", java.time.Duration.ofSeconds(10));
            Thread.sleep(300);
            long t = System.nanoTime();
            session.type("\u0003");
            session.await("error: cancelled: run spin\n", java.time.Duration.ofSeconds(5));
            assertTrue(System.nanoTime() - t < 2_000_000_000L, "Ctrl-C took over 2 s");
            session.type("show Printer\n");
            session.await("calc.py::Printer  (class, python", java.time.Duration.ofSeconds(10));
            session.end();
        }
    }

    @Test
    void aFailingToolIsOneErrorLineAndTheReplGoesOn(@TempDir Path tools) throws Exception {
        Files.writeString(tools.resolve("boom.pym"), """
                \"\"\"Always fails.\"\"\"
                from grail import Input
                node_id: str = Input("node_id")
                {"node": node_id, "ratio": 1 / 0}
                """);
        ReplCommands.Settings settings = new ReplCommands.Settings(repo, tools, Path.of("rules").toAbsolutePath(), false);
        try (ReplCommands commands = ReplCommands.open(settings, false, dev.nodestate.hub.SharedRuntime::get)) {
            String screen = ReplFixture.session(commands, "run boom add\nrun nosuch\nshow Printer\n");
            assertTrue(screen.lines().anyMatch(l -> l.startsWith("error: tool boom failed: ") && l.contains("ZeroDivisionError")), screen);
            assertTrue(screen.contains("error: no tool 'nosuch' in " + tools.toAbsolutePath().normalize() + "; known tools: boom\n"), screen);
            assertTrue(screen.contains("calc.py::Printer  (class, python"), screen);
        }
    }

    @Test
    void runChecksOnlyTheToolItRunsAndSeesItsEdits(@TempDir Path tools) throws Exception {
        Files.writeString(tools.resolve("broken.pym"), "this is not python (\n");
        Path good = tools.resolve("good.pym");
        Files.writeString(good, """
                \"\"\"Names the node.\"\"\"
                from grail import Input
                node_id: str = Input("node_id")
                {"first": node_id}
                """);
        ReplCommands.Settings settings = new ReplCommands.Settings(repo, tools, Path.of("rules").toAbsolutePath(), false);
        try (ReplCommands commands = ReplCommands.open(settings, false, dev.nodestate.hub.SharedRuntime::get)) {
            String first = ReplFixture.session(commands, "run good add\n");
            assertTrue(first.contains("\"first\""), first);
            assertTrue(!first.contains("broken"), "a broken neighbour is not checked by run: " + first);
            Files.writeString(good, Files.readString(good).replace("\"first\"", "\"second\""));
            String second = ReplFixture.session(commands, "run good add\n");
            assertTrue(second.contains("\"second\""), "the edited tool runs: " + second);
        }
    }
}
