package dev.nodestate.hub.cli;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.failure.Failures;
import dev.nodestate.hub.refs.CrossFileAnalysis;
import dev.nodestate.hub.serve.Freshness;
import dev.nodestate.hub.serve.HubClient;
import dev.nodestate.hub.store.NodeStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hub failure [REPORT...]}: the failure context of every failing test of a pytest output or JUnit XML report,
 * written to {@code .agentfs/failures/} (the running hub does it when there is one, else this process from the store).
 */
@Command(name = "failure", mixinStandardHelpOptions = true,
        description = "Context for failing tests: reads pytest output (a file or stdin) or JUnit XML (pytest --junitxml, "
                + "target/surefire-reports/TEST-*.xml) and writes .agentfs/failures/<test id>.md and .json per failing test.")
final class FailureCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "REPORT", description = "Report files; none or '-': standard input.")
    List<Path> reports = new ArrayList<>();

    @Option(names = "--repo", paramLabel = "PATH", description = "Repository (default: current directory).")
    Path repo = Path.of("");

    @Option(names = "--json", description = "Print the failure contexts as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Path root = repo.toAbsolutePath().normalize();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String[]> inputs = new ArrayList<>(); // {source, text}
        if (reports.isEmpty() || reports.equals(List.of(Path.of("-")))) {
            inputs.add(new String[] {"stdin", new String(System.in.readAllBytes(), StandardCharsets.UTF_8)});
        } else {
            for (Path p : reports) {
                if (!Files.isRegularFile(p)) {
                    throw new HubException(ExitCode.NOT_FOUND, "no report " + p + "; give pytest's output or a JUnit XML file");
                }
                inputs.add(new String[] {p.toString(), Files.readString(p, StandardCharsets.UTF_8)});
            }
        }
        var all = Json.MAPPER.createArrayNode();
        int count = 0;
        for (String[] in : inputs) {
            java.util.Optional<com.fasterxml.jackson.databind.JsonNode> remote;
            try (HubClient client = new HubClient(dev.nodestate.hub.serve.SocketPath.find(root), java.time.Duration.ofSeconds(60))) {
                remote = client.request(Map.of("type", "failure_context", "report", in[1], "source", in[0], "requester", "cli"));
            }
            if (remote.isPresent() && remote.get().path("error").asText().startsWith("Unknown request type")) {
                remote = java.util.Optional.empty(); // an older hub: do it here
            }
            if (remote.isPresent() && remote.get().has("error")) {
                throw new HubException(ExitCode.USAGE, remote.get().path("error").asText());
            }
            if (remote.isPresent() && remote.get().has("failures")) {
                for (var f : remote.get().path("failures")) {
                    all.add(f);
                    count++;
                    if (!json) {
                        out.println(f.path("test").asText() + "\n  page " + f.path("page").asText() + " (written by the running hub)");
                    }
                }
                continue;
            }
            try (NodeStore store = openStore(root)) {
                CrossFileAnalysis analysis = new CrossFileAnalysis(store, null);
                List<Failures.Served> served = Failures.serve(root, store, Freshness.forRepo(root), analysis::similar, in[1], in[0], "cli");
                Failures.json(root, served).path("failures").forEach(all::add);
                count += served.size();
                if (!json) {
                    served.forEach(s -> out.println(Failures.describe(root, s)));
                }
            }
        }
        if (json) {
            out.println(Json.pretty(Json.MAPPER.createObjectNode().set("failures", all)));
        }
        err.printf("%d failing test(s); pages under %s%n", count, dev.nodestate.hub.failure.FailurePages.directory(root));
        out.flush();
        err.flush();
        return 0;
    }

    private static NodeStore openStore(Path root) {
        if (!Files.isDirectory(NodeStore.stateDir(root))) {
            throw new HubException(ExitCode.NOT_FOUND, "no node store in " + root + "; index it first: `hub index --once " + root + "`");
        }
        return NodeStore.openReadOnly(root);
    }
}
