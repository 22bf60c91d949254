package dev.nodestate.hub.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher ({@code ./hub} with no arguments) in a real terminal: a tmux pane on a private tmux
 * server. The launcher runs the test class path (HUB_CLASSPATH) so it does not rebuild the jar under
 * Maven's feet. CI installs tmux (.ci/run); without it the test is skipped.
 */
class ReplProcessTest {

    @TempDir
    Path repo;

    private final String server = "hub-repl-test-" + ProcessHandle.current().pid();
    private final String session = "repl";

    @Test
    void theLauncherOpensThePromptOnATerminalCompletesANodeIdAndQuits() throws Exception {
        assumeTrue(tmux("-V").exit() == 0, "tmux is not installed (.ci/run installs it)");
        ReplFixture.storeCalc(repo);
        Path script = repo.resolve("run-hub.sh");
        Files.writeString(script, String.join("\n",
                "cd '" + repo + "'",
                "export HUB_CLASSPATH='" + System.getProperty("java.class.path") + "'",
                "export HUB_JAVA_OPTS='-Dpolyglot.engine.userResourceCache=" + Path.of("target/graalpy-cache").toAbsolutePath() + "'",
                "'" + Path.of("hub").toAbsolutePath() + "' 2>'" + repo.resolve("hub.stderr") + "'",
                "echo hub-exited-$?",
                "sleep 120", ""));
        assertEquals(0, tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "40", "bash " + script).exit());

        awaitScreen("\nhub>", Duration.ofSeconds(90)); // capture-pane drops trailing blanks
        String screen = awaitScreen("Ctrl-D exits.", Duration.ofSeconds(5));
        assertContains(screen, "hub on " + repo + ": no hub running: opened the store " + repo + "/.agentfs/hub_state (read-write)");

        tmux("send-keys", "-t", session, "show Calculator.ad", "Tab");
        awaitScreen("hub> show calc.py::Calculator.add", Duration.ofSeconds(20));
        tmux("send-keys", "-t", session, "Enter");
        awaitScreen("def add(self, x: int) -> int", Duration.ofSeconds(20));

        tmux("send-keys", "-t", session, "quit", "Enter");
        awaitScreen("hub-exited-0", Duration.ofSeconds(30));
    }

    @AfterEach
    void stopTheTmuxServer() throws Exception {
        tmux("kill-server"); // the private server of this test only (-L)
    }

    private record Run(int exit, String out) {
    }

    private Run tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", server));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Run(127, e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(-1, out);
        }
        return new Run(p.exitValue(), out);
    }

    private String awaitScreen(String text, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        String screen = "";
        while (System.nanoTime() < end) {
            screen = tmux("capture-pane", "-p", "-t", session).out();
            if (screen.contains(text)) {
                return screen;
            }
            if (screen.contains("hub-exited-")) {
                break;
            }
            Thread.sleep(100);
        }
        Path stderr = repo.resolve("hub.stderr");
        throw new AssertionError("the terminal did not show '" + text + "' within " + timeout + "; it shows:\n" + screen
                + "\nhub's stderr:\n" + (Files.exists(stderr) ? Files.readString(stderr) : "(none)"));
    }

    private static void assertContains(String screen, String text) {
        if (!screen.contains(text)) {
            throw new AssertionError("expected '" + text + "' on the screen:\n" + screen);
        }
    }
}
