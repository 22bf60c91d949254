package dev.nodestate.hub.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link StoreChild} in a real second JVM, with its stdout read line by line and stderr kept in a file. */
final class Child implements AutoCloseable {

    final Process process;
    private final BufferedReader out;
    private final Path errFile;

    private Child(Process process, Path errFile) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.errFile = errFile;
    }

    static Child start(Path workDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), StoreChild.class.getName()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(workDir, "child", ".err");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        return new Child(p, err);
    }

    /** The next stdout line, or null at end of stream. */
    String line() throws IOException {
        return out.readLine();
    }

    List<String> remainingLines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l; (l = out.readLine()) != null; ) {
            lines.add(l);
        }
        return lines;
    }

    int exit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child " + process.pid() + " did not exit in 60 s");
        }
        return process.exitValue();
    }

    String stderr() throws IOException {
        return Files.readString(errFile);
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
