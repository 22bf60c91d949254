package dev.nodestate.hub.repl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.serve.HubServer;
import dev.nodestate.hub.store.NodeStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same REPL when a hub runs: every answer comes over its socket, and the banner says so. */
class ReplOverSocketTest {

    @TempDir
    Path repo;

    @Test
    void withAHubRunningTheReplAsksItOverTheSocketAndCompletesFromItsIds() throws Exception {
        ReplFixture.storeCalc(repo);
        try (NodeStore store = NodeStore.open(repo);
             HubServer server = HubServer.start(repo, store, HubServer.Probe.NONE, f -> { }, HubServer.Options.DEFAULT,
                     System.err::println)) {
            String screen = ReplFixture.session(repo, false,
                    "status\nshow Printer.__in\t\nshow __init__\nfind calc*add\ncontext add\nsimilar add\n");
            assertTrue(screen.contains("connected to the hub running on " + repo), screen);
            assertTrue(screen.contains("6 nodes in 1 files"), screen);
            assertTrue(screen.contains("calc.py::Printer.__init__  (function, python"), screen);
            assertTrue(screen.contains("error: '__init__' is ambiguous (2 nodes): calc.py::Calculator.__init__, calc.py::Printer.__init__"),
                    screen);
            assertTrue(screen.contains("calc.py::Calculator.add" + " ".repeat(38) + "def add(self, x: int) -> int"), screen);
            assertTrue(screen.contains("calc.py::Calculator.add  stale"), screen); // file hash "h" is not the file's
            assertTrue(screen.contains("  callers: main.py::run"), screen);
            assertTrue(screen.contains("similar to calc.py::Calculator.add: this hub keeps no similarity index"), screen);
        }
    }

    @Test
    void aHubStoppedDuringTheSessionIsOneErrorLine() throws Exception {
        ReplFixture.storeCalc(repo);
        NodeStore store = NodeStore.open(repo);
        HubServer server = HubServer.start(repo, store, HubServer.Probe.NONE, f -> { }, HubServer.Options.DEFAULT, System.err::println);
        try (ReplCommands commands = ReplCommands.open(ReplFixture.settings(repo, false), false, null)) {
            server.close();
            store.close();
            String screen = ReplFixture.session(commands, "show add\nhelp quit\n");
            assertTrue(screen.contains("error: the hub on "), screen);
            assertTrue(screen.contains("did not answer resolve (stopped?)"), screen);
            assertTrue(screen.contains("leave (also Ctrl-D)"), screen);
        }
    }
}
