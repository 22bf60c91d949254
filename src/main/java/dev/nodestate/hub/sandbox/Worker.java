package dev.nodestate.hub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The hub's side of one worker process: its pipes, one request at a time, and the kill. A killed or dead worker is
 * never used again; the pool replaces it.
 */
final class Worker {

    private final int number;
    private final Process process;
    private final OutputStream to;
    private final BufferedReader from;
    private final Consumer<String> log;
    private volatile String killedBecause;

    private Worker(int number, Process process, Consumer<String> log) {
        this.number = number;
        this.process = process;
        this.to = process.getOutputStream();
        this.from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.log = log;
    }

    /** Starts the process and waits for its lane to be warm; throws IOException when it dies first. */
    static Worker start(int number, List<String> command, Consumer<String> log,
            java.util.function.Function<Process, java.util.concurrent.Future<?>> deadline) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Worker w = new Worker(number, p, log);
        java.util.concurrent.Future<?> killAtDeadline = deadline.apply(p);
        try {
            JsonNode ready = w.next();
            if (!"ready".equals(ready.path("op").asText())) {
                throw new IOException("worker " + number + " began with " + ready + " instead of ready");
            }
        } catch (IOException e) {
            w.kill("it failed to start");
            throw new IOException("worker process " + number + " (pid " + p.pid() + ") did not start: " + e.getMessage()
                    + w.exitNote(), e);
        } finally {
            killAtDeadline.cancel(false);
        }
        return w;
    }

    int number() {
        return number;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return killedBecause == null && process.isAlive();
    }

    /** Why the hub killed this worker, or null. */
    String killedBecause() {
        return killedBecause;
    }

    /**
     * Sends one request and answers its host calls until the reply; IOException when the process ended (killed by
     * {@link #kill}, or died: out of heap, crashed).
     */
    JsonNode call(ObjectNode request, GuestRun.HostCallback host) throws IOException {
        send(request);
        while (true) {
            JsonNode m = next();
            if (!"host_call".equals(m.path("op").asText())) {
                return m;
            }
            String value;
            if (host == null) {
                value = "{\"error\":\"no external is available outside a tool run\"}";
            } else {
                try {
                    value = host.call(m.path("external").asText(), m.path("args").asText());
                } catch (RuntimeException | StackOverflowError e) { // reaches the tool as a catchable ExternalError
                    value = "{\"error\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf("host failure: " + e) + "}";
                }
            }
            send(WorkerProtocol.hostReply(value));
        }
    }

    /** The next protocol line; lines that are not JSON (the JVM's own warnings) go to the log. */
    private JsonNode next() throws IOException {
        while (true) {
            String line = from.readLine();
            if (line == null) {
                throw new IOException("the worker process ended");
            }
            JsonNode m = line.startsWith("{") ? WorkerProtocol.parse(line) : null;
            if (m != null) {
                return m;
            }
            log.accept("worker " + number + ": " + line);
        }
    }

    private void send(ObjectNode message) throws IOException {
        to.write((message.toString() + "\n").getBytes(StandardCharsets.UTF_8));
        to.flush();
    }

    /** Kills the process (SIGKILL) and reaps it. Safe to call more than once and from any thread. */
    void kill(String because) {
        if (killedBecause == null) {
            killedBecause = because;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                log.accept("worker " + number + " (pid " + process.pid() + ") was still alive 10 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            to.close();
        } catch (IOException ignored) {
            // the pipe is gone with the process
        }
    }

    /** " (exit code N)" once the process has ended, else "". */
    String exitNote() {
        return process.isAlive() ? "" : " (exit code " + process.exitValue() + ")";
    }

    /** The exit code once ended, else -1. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }
}
