package dev.nodestate.hub.cli;

import static dev.nodestate.hub.cli.CliHarness.hub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.cli.CliHarness.Result;
import dev.nodestate.hub.watch.HubProcess;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One-shot commands as real processes (what a user sees at exit: flushed output, the repository found from a subfolder). */
class CliProcessTest {

    @TempDir
    static Path repo;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void indexARepository() throws Exception {
        Files.createDirectories(repo.resolve("pkg/deep"));
        Files.writeString(repo.resolve("pkg/calc.py"), """
                class Calculator:
                    def add(self, x: int) -> int:
                        \"\"\"Adds x.\"\"\"
                        return x
                """);
        Result r = hub("index", "--once", "--json", "--tools", Path.of("tools").toAbsolutePath().toString(), repo.toString());
        assertEquals(0, r.code(), r.err());
    }

    static Run run(Path dir, String... args) throws Exception {
        File out = Files.createTempFile("hub-cli-", ".out").toFile();
        File err = Files.createTempFile("hub-cli-", ".err").toFile();
        try {
            Process p = new ProcessBuilder(HubProcess.command(args)).directory(dir.toFile())
                    .redirectOutput(out).redirectError(err).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("hub " + String.join(" ", args) + " did not exit within 120 s");
            }
            return new Run(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                    Files.readString(err.toPath(), StandardCharsets.UTF_8));
        } finally {
            out.delete();
            err.delete();
        }
    }

    @Test
    void showPrintsTheNodeBeforeTheProcessExits() throws Exception {
        Run show = run(repo, "show", "Calculator.add", "--repo", repo.toString());
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().startsWith("pkg/calc.py::Calculator.add"), "stdout: '" + show.out() + "' stderr: " + show.err());
        assertTrue(show.out().contains("def add(self, x: int) -> int"), show.out());
    }

    @Test
    void aWatchRefusedBecauseAReplHoldsTheStoreNamesTheReplsPidAndSaysToQuitIt() throws Exception {
        Path banner = Files.createTempFile("hub-repl-", ".err");
        Process repl = new ProcessBuilder(HubProcess.command("repl", repo.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(banner.toFile()).start();
        try {
            long until = System.nanoTime() + 60_000_000_000L; // piped, the banner (where answers come from) goes to stderr
            while (!Files.readString(banner).contains("read-write") && System.nanoTime() < until && repl.isAlive()) {
                Thread.sleep(50);
            }
            assertTrue(Files.readString(banner).contains("read-write"), "repl said: " + Files.readString(banner));
            Run watch = run(repo, "watch", repo.toString());
            assertEquals(6, watch.code(), watch.err());
            assertTrue(watch.err().contains("pid " + repl.pid() + ", `hub repl`"), watch.err());
            assertTrue(watch.err().contains("quit it"), watch.err());
            assertTrue(!watch.err().contains("stop it with `hub stop`"), watch.err());
            assertTrue(!watch.err().contains("(pid " + "unknown"), watch.err());
        } finally {
            repl.getOutputStream().close(); // end of input: the REPL quits
            if (!repl.waitFor(30, TimeUnit.SECONDS)) {
                repl.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(banner);
        }
    }

    @Test
    void showAndFindFromASubfolderFindTheRepositoryAbove() throws Exception {
        Path sub = repo.resolve("pkg/deep");
        Run show = run(sub, "show", "add");
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().startsWith("pkg/calc.py::Calculator.add"), "stdout: '" + show.out() + "' stderr: " + show.err());
        Run find = run(sub, "find", "calc");
        assertEquals(0, find.code(), find.err());
        assertTrue(find.out().contains("pkg/calc.py::Calculator.add"), find.out());
    }
}
