package dev.nodestate.hub.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real {@code hub watch --json} process on the test classpath with the launcher's JVM flags.
 * Stdout's JSON lines are queued; stderr is kept for failure messages.
 */
public final class HubProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path stderrFile;
    private final LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final StringBuffer stdoutNoise = new StringBuffer();

    private final Thread outPump;

    // stderr goes to a file: the JDK drains a pipe of an exited process into a buffer that a reader
    // blocked at that moment never sees, so the last lines (the shutdown messages) would be lost
    private HubProcess(Process process, Path stderrFile) {
        this.process = process;
        this.stderrFile = stderrFile;
        outPump = Thread.ofPlatform().daemon().start(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))));
    }

    public static List<String> command(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xss16m", "-Dpolyglot.engine.WarnInterpreterOnly=false",
                "-Dhub.home=" + Path.of("").toAbsolutePath(),
                "-Dpolyglot.engine.userResourceCache=" + Path.of("target/graalpy-cache").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "dev.nodestate.hub.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static HubProcess start(String... args) throws IOException {
        Path err = java.nio.file.Files.createTempFile("hub-watch-", ".stderr");
        return new HubProcess(new ProcessBuilder(command(args)).redirectError(err.toFile()).start(), err);
    }

    private void pump(BufferedReader reader) {
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                try {
                    events.add(JSON.readTree(line));
                } catch (IOException e) {
                    stdoutNoise.append("[non-JSON stdout] ").append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // process ended
        }
    }

    /** The next event matching {@code test} within {@code timeout}; fails with the hub's stderr otherwise. */
    JsonNode await(String what, Predicate<JsonNode> test, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            JsonNode e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("hub watch did not report " + what + " within " + timeout + "; stderr:\n" + stderr());
            }
            if (test.test(e)) {
                return e;
            }
        }
    }

    /** Waits for batches until every path in {@code paths} was in one. */
    void awaitPaths(java.util.Collection<String> paths) throws InterruptedException {
        java.util.Set<String> left = new java.util.HashSet<>(paths);
        while (!left.isEmpty()) {
            JsonNode batch = await("a batch with " + left, e -> e.path("event").asText().equals("batch"), Duration.ofSeconds(60));
            batch.path("paths").forEach(p -> left.remove(p.asText()));
        }
    }

    /** Waits until {@code file} exists (and a moment for the files written with it), failing with the hub's stderr after {@code limit}. */
    void awaitFile(Path file, String what, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!java.nio.file.Files.exists(file)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + what + " within " + limit.toSeconds() + " s; hub stderr:\n" + stderr());
            }
            Thread.sleep(200);
        }
        Thread.sleep(300);
    }

    String stderr() {
        try {
            return java.nio.file.Files.readString(stderrFile) + stdoutNoise;
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM, then the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("hub watch did not stop within 60 s of SIGTERM; stderr:\n" + stderr());
        }
        outPump.join(5_000);
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        try {
            java.nio.file.Files.deleteIfExists(stderrFile);
        } catch (IOException e) {
            // temp file; the OS cleans up
        }
    }
}
