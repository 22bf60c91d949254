package dev.nodestate.hub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.HubException;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A worker process of the hub ({@link WorkerPool}): one warm GraalPy lane that takes runs as JSON lines on stdin and
 * answers on stdout ({@link WorkerProtocol}). Anything else printed goes to stderr, so stdout carries only the
 * protocol. It halts when stdin ends: the hub stopped or died, and a thread stuck in a builtin must not keep it alive.
 */
public final class WorkerMain {

    private final BufferedReader in;
    private final OutputStream out;
    private final PythonRuntime runtime;
    /** The run the host callback belongs to; a callback of an abandoned run that wakes up later is refused. */
    private volatile long active;

    private WorkerMain(BufferedReader in, OutputStream out, PythonRuntime runtime) {
        this.in = in;
        this.out = out;
        this.runtime = runtime;
    }

    public static void main(String[] args) {
        OutputStream protocol = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        BufferedReader in = new BufferedReader(new InputStreamReader(new FileInputStream(FileDescriptor.in), StandardCharsets.UTF_8));
        try {
            PythonRuntime runtime = PythonRuntime.start(1).awaitReady();
            WorkerMain worker = new WorkerMain(in, protocol, runtime);
            worker.send(WorkerProtocol.JSON.createObjectNode().put("op", "ready").put("pid", ProcessHandle.current().pid()));
            worker.serve();
        } catch (RuntimeException | IOException e) {
            System.err.println("hub worker " + ProcessHandle.current().pid() + ": " + e);
        }
        Runtime.getRuntime().halt(0); // never wait for a guest thread stuck in a builtin
    }

    private void serve() throws IOException {
        long number = 0;
        String line;
        while ((line = in.readLine()) != null) {
            JsonNode req = WorkerProtocol.parse(line);
            if (req == null) {
                throw new IOException("the hub sent a line that is not JSON: " + line);
            }
            long run = ++number;
            active = run;
            int abandonedBefore = runtime.abandonedLanes();
            ObjectNode reply;
            try {
                reply = switch (req.path("op").asText()) {
                    case "run" -> WorkerProtocol.done(runtime.run(WorkerProtocol.run(req, (external, arguments) -> hostCall(run, external, arguments))));
                    case "outline" -> {
                        ObjectNode o = WorkerProtocol.JSON.createObjectNode().put("op", "done");
                        o.set("outline", runtime.outline(req.path("source").asText(), req.path("filename").asText()));
                        yield o;
                    }
                    default -> throw new HubException(HubException.ExitCode.FAILURE, "unknown worker request " + req.path("op"));
                };
            } catch (ToolException e) {
                reply = WorkerProtocol.failed(e.error(), runtime.abandonedLanes() > abandonedBefore);
            } catch (HubException e) {
                reply = WorkerProtocol.failed(e);
            } catch (RuntimeException e) {
                reply = WorkerProtocol.failed(new HubException(HubException.ExitCode.FAILURE, "the worker failed: " + e, e));
            }
            active = 0;
            send(reply);
        }
    }

    /** Called on the lane's thread while {@link #serve} waits for the run: the only reader of stdin then. */
    private String hostCall(long run, String external, String arguments) {
        if (active != run) {
            return "{\"error\":\"the run is over\"}";
        }
        try {
            send(WorkerProtocol.hostCall(external, arguments));
            String line = in.readLine();
            JsonNode reply = line == null ? null : WorkerProtocol.parse(line);
            if (reply == null || !"host_reply".equals(reply.path("op").asText())) {
                Runtime.getRuntime().halt(0); // the hub is gone or out of step: nothing more to do here
            }
            return reply.path("value").asText();
        } catch (IOException e) {
            Runtime.getRuntime().halt(0);
            return null;
        }
    }

    private synchronized void send(ObjectNode message) throws IOException {
        out.write((message.toString() + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
