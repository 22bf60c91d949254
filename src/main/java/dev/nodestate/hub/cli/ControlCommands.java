package dev.nodestate.hub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.serve.HubClient;
import dev.nodestate.hub.watch.PidFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hub status} and {@code hub stop}: talk to the running hub of a repository. */
final class ControlCommands {

    private ControlCommands() {
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Is a hub running on PATH? Its pid, uptime, files, nodes, last update and queue depth (over its socket). Exit 3 when none runs.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "PATH", description = "Repository (default: current directory).")
        Path repo = Path.of("");

        @Option(names = "--json", description = "Print the status as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Path root = RepoRoot.of(repo);
            PrintWriter out = spec.commandLine().getOut();
            Optional<JsonNode> status;
            try (HubClient client = HubClient.forRepo(root)) {
                status = client.status();
            }
            if (status.isEmpty()) {
                OptionalLong pid = PidFile.running(root);
                if (json) {
                    out.println(Json.MAPPER.createObjectNode().put("running", false).put("root", root.toString())
                            .put("pid", pid.isPresent() ? pid.getAsLong() : null).toString());
                }
                throw new HubException(ExitCode.NOT_FOUND, pid.isPresent()
                        ? "hub pid " + pid.getAsLong() + " holds " + root + " but its socket does not answer (still opening the store, or stuck: `hub stop` and start it again)"
                        : "no hub is running on " + root + "; start one with `hub watch " + root + "`");
            }
            JsonNode s = status.get();
            if (json) {
                out.println(s.toString());
            } else {
                out.printf("hub running on %s (pid %d, up %.0f s): %s%n", s.path("root").asText(), s.path("pid").asLong(),
                        s.path("uptime_seconds").asDouble(), s.path("phase").asText("serving"));
                out.printf("  %d files, %d nodes; last update %s; %d job(s) queued; socket %s%n", s.path("files").asLong(),
                        s.path("nodes").asLong(), s.path("last_update").asText("never"), s.path("queue_depth").asInt(),
                        s.path("socket").asText());
            }
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the hub running on PATH (SIGTERM to the pid in .agentfs/hub.pid) and wait until it is gone.")
    static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "PATH", description = "Repository (default: current directory).")
        Path repo = Path.of("");

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "Wait this long (default: ${DEFAULT-VALUE}).")
        int timeout = 60;

        @Override
        public Integer call() throws InterruptedException {
            Path root = RepoRoot.of(repo);
            OptionalLong pid = PidFile.running(root);
            if (pid.isEmpty()) {
                throw new HubException(ExitCode.NOT_FOUND, "no hub is running on " + root);
            }
            ProcessHandle process = ProcessHandle.of(pid.getAsLong()).orElse(null);
            if (process == null || !process.isAlive()) {
                spec.commandLine().getErr().println("hub: pid " + pid.getAsLong() + " already exited");
                return 0;
            }
            process.destroy();
            try {
                process.onExit().get(timeout, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new HubException(ExitCode.FAILURE, "hub pid " + pid.getAsLong() + " did not stop within " + timeout
                        + " s of SIGTERM; `kill -9 " + pid.getAsLong() + "` forces it (committed state survives)");
            }
            spec.commandLine().getErr().println("hub: stopped pid " + pid.getAsLong());
            return 0;
        }
    }
}
