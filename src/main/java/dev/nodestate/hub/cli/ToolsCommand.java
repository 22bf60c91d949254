package dev.nodestate.hub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.sandbox.Finding;
import dev.nodestate.hub.sandbox.GuestResult;
import dev.nodestate.hub.sandbox.Limits;
import dev.nodestate.hub.sandbox.ToolException;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.refs.CrossFileAnalysis;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.PymTool;
import dev.nodestate.hub.tool.ToolInputs;
import dev.nodestate.hub.tool.ToolRegistry;
import dev.nodestate.hub.serve.HubClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hub tools check|list|run}: the .pym update tools. */
@Command(name = "tools", mixinStandardHelpOptions = true, description = "Check, list and run the .pym update tools.",
        subcommands = {ToolsCommand.Check.class, ToolsCommand.ListTools.class, ToolsCommand.Run.class})
final class ToolsCommand implements Runnable {

    @ParentCommand
    Main main;

    @Option(names = "--tools", paramLabel = "DIR", description = "Tools directory (default: the hub's tools/).")
    Path toolsDir;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    Path toolsDir() {
        return toolsDir != null ? toolsDir : HubSession.defaultToolsDir();
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check .pym files and list every finding (code, line, column, message, suggestion). "
                    + "Exits 7 when any file has an error.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        ToolsCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PATH", description = "Files or directories (default: the tools directory).")
        List<Path> paths = new ArrayList<>();

        @Option(names = "--json", description = "Print findings as JSON.")
        boolean json;

        @Override
        public Integer call() {
            List<Path> files = pymFiles(paths.isEmpty() ? List.of(parent.toolsDir()) : paths);
            PrintWriter out = spec.commandLine().getOut();
            int errors = 0;
            int warnings = 0;
            ArrayNode report = Json.MAPPER.createArrayNode();
            try (HubSession session = parent.main.session()) {
                PymChecker checker = session.checker(HostExternals.standard(Path.of("").toAbsolutePath()).with(CrossFileAnalysis.offlineExternals()));
                for (Path file : files) {
                    PymTool tool;
                    try {
                        tool = checker.check(file, Files.readString(file, StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new HubException(ExitCode.NOT_FOUND, "cannot read " + file + ": " + e.getMessage());
                    }
                    ObjectNode entry = report.addObject().put("file", file.toString()).put("tool", tool.name())
                            .put("status", tool.status());
                    entry.set("findings", Json.MAPPER.valueToTree(tool.findings()));
                    for (Finding f : tool.findings()) {
                        if (f.isError()) {
                            errors++;
                        } else {
                            warnings++;
                        }
                        if (!json) {
                            out.printf("%s:%d:%d: %s %s %s%n    hint: %s%n", file, f.line(), f.column(), f.severity(),
                                    f.code(), f.message(), f.suggestion());
                        }
                    }
                }
            }
            if (json) {
                out.println(Json.pretty(report));
            } else {
                spec.commandLine().getErr().printf("%d file(s) checked: %d error(s), %d warning(s)%n", files.size(), errors, warnings);
            }
            return errors > 0 ? ExitCode.CHECK_FAILED.code() : 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the tools with their inputs, externals, limits and status.")
    static final class ListTools implements Callable<Integer> {
        @ParentCommand
        ToolsCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print as JSON.")
        boolean json;

        @Override
        public Integer call() {
            try (HubSession session = parent.main.session();
                 ToolRegistry registry = session.registry(parent.toolsDir(), HostExternals.standard(Path.of("").toAbsolutePath()).with(CrossFileAnalysis.offlineExternals()))) {
                print(registry.list(), json, spec.commandLine().getOut());
            }
            return 0;
        }
    }

    /** Prints a tool listing; shared by {@code tools list} and later front ends. */
    static void print(List<PymTool> tools, boolean json, PrintWriter out) {
        if (json) {
            ArrayNode all = Json.MAPPER.createArrayNode();
            for (PymTool t : tools) {
                ObjectNode n = all.addObject().put("name", t.name()).put("path", t.path().toString())
                        .put("status", t.status()).put("description", t.docstring());
                ArrayNode inputs = n.putArray("inputs");
                for (PymTool.InputSpec i : t.inputs()) {
                    ObjectNode in = inputs.addObject().put("name", i.name()).put("type", i.annotation())
                            .put("required", i.required());
                    in.set("default", i.defaultValue());
                }
                t.externals().forEach(e -> n.withArray("externals").add(e.signature()));
                n.putObject("limits").put("memory_bytes", t.limits().memoryBytes())
                        .put("time_ms", t.limits().time().toMillis()).put("recursion", t.limits().recursion());
                n.set("findings", Json.MAPPER.valueToTree(t.findings()));
            }
            out.println(Json.pretty(all));
            return;
        }
        if (tools.isEmpty()) {
            out.println("(no tools)");
        }
        for (PymTool t : tools) {
            out.printf("%-24s %-6s limits %s%n", t.name(), t.status(), t.limits());
            if (t.docstring() != null) {
                out.printf("    %s%n", t.docstring().lines().findFirst().orElse(""));
            }
            for (PymTool.InputSpec i : t.inputs()) {
                out.printf("    input    %s: %s%s%n", i.name(), i.annotation(),
                        i.required() ? " (required)" : " = " + i.defaultValue());
            }
            t.externals().forEach(e -> out.printf("    external %s%n", e.signature()));
            t.findings().forEach(f -> out.printf("    %s %s%n", f.severity(), f.describe()));
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run one tool against a repository with the host's standard externals.")
    static final class Run implements Callable<Integer> {
        @ParentCommand
        ToolsCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "Tool name (file name without .pym).")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "Repository (default: current directory).")
        Path repo = Path.of("");

        @Option(names = {"-i", "--input"}, paramLabel = "KEY=VALUE", description = "An input; lists and dicts as JSON.")
        Map<String, String> inputs = new LinkedHashMap<>();

        @Option(names = "--limits", paramLabel = "SPEC", description = "Tighten the tool's limits, e.g. 'strict' or 'time=1s'.")
        String limits;

        @Option(names = "--json", description = "Print the result, timing and output as one JSON document.")
        boolean json;

        @Option(names = "--in-process", description = "Run here even when a hub runs for the repository "
                + "(default: the running hub runs it on its warm runtime, over the socket).")
        boolean inProcess;

        @Override
        public Integer call() {
            if (!inProcess) {
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("tool", name);
                request.put("inputs", inputs);
                request.put("limits", limits);
                request.put("tools_dir", parent.toolsDir().toAbsolutePath().normalize().toString());
                Optional<JsonNode> reply = HubClient.runInHub(RepoRoot.of(repo), request);
                if (reply.isPresent()) {
                    return printHubReply(reply.get());
                }
            }
            Externals externals = HostExternals.standard(RepoRoot.of(repo));
            NodeStore store = null;
            if (java.nio.file.Files.isDirectory(NodeStore.stateDir(RepoRoot.of(repo)))) {
                store = NodeStore.openReadOnly(RepoRoot.of(repo)); // the cross-file tools query what the hub stored
                externals = externals.with(new CrossFileAnalysis(store, null).externals());
            } else {
                externals = externals.with(CrossFileAnalysis.offlineExternals());
            }
            try {
                return run(externals);
            } finally {
                if (store != null) {
                    store.close();
                }
            }
        }

        /**
         * Checks only the tool asked for (a registry would check every tool of the directory in GraalPy first: with the
         * nine shipped tools that is ~2 s of a one-shot run).
         */
        private PymTool checkOne(HubSession session, Externals externals) {
            Path dir = parent.toolsDir();
            Path file = dir.resolve(name + ".pym");
            if (!Files.isRegularFile(file)) {
                List<String> known = new ArrayList<>();
                if (Files.isDirectory(dir)) {
                    for (Path p : pymFiles(List.of(dir))) {
                        String f = p.getFileName().toString();
                        known.add(f.substring(0, f.length() - 4));
                    }
                }
                throw new HubException(ExitCode.NOT_FOUND, "no tool '" + name + "' in " + dir + "; known tools: " + String.join(", ", known));
            }
            try {
                return session.checker(externals).check(file, Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new HubException(ExitCode.NOT_FOUND, "cannot read " + file + ": " + e.getMessage());
            }
        }

        /** Prints a run_tool reply as the in-process run prints its result, plus where it ran. */
        private Integer printHubReply(JsonNode reply) {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String where = "ran in the hub, pid " + reply.path("pid").asLong();
            if (reply.path("ok").asBoolean()) {
                if (json) {
                    ObjectNode doc = Json.MAPPER.createObjectNode().put("tool", name).put("ok", true)
                            .put("elapsed_ms", reply.path("elapsed_ms").asDouble()).put("stdout", reply.path("stdout").asText());
                    doc.set("result", reply.get("result"));
                    doc.put("ran_in", "hub").put("pid", reply.path("pid").asLong());
                    out.println(Json.pretty(doc));
                } else {
                    err.print(reply.path("stdout").asText());
                    out.println(Json.pretty(reply.get("result")));
                    err.printf("hub: %s in %.0f ms%n", where, reply.path("elapsed_ms").asDouble());
                }
                out.flush();
                err.flush();
                return 0;
            }
            if (json && reply.path("exit_code").asInt() == ExitCode.TOOL_FAILED.code()) {
                out.println(Json.pretty(Json.MAPPER.createObjectNode().put("tool", name).put("ok", false)
                        .put("error", reply.path("error").asText()).put("message", reply.path("message").asText())
                        .put("ran_in", "hub").put("pid", reply.path("pid").asLong())));
            }
            throw new HubException(HubException.ExitCode.of(reply.path("exit_code").asInt(1)),
                    reply.path("describe").asText(reply.path("message").asText()) + " (" + where + ")");
        }

        private Integer run(Externals externals) {
            Limits caller = null;
            if (limits != null) {
                try {
                    caller = Limits.parse(limits);
                } catch (IllegalArgumentException e) {
                    throw new HubException(ExitCode.USAGE, "--limits: " + e.getMessage());
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            try (HubSession session = parent.main.session()) {
                PymTool tool = checkOne(session, externals);
                Map<String, JsonNode> values = ToolInputs.parse(tool, inputs);
                try {
                    GuestResult result = session.host().run(tool, values, externals, caller);
                    if (json) {
                        ObjectNode doc = Json.MAPPER.createObjectNode().put("tool", name).put("ok", true)
                                .put("elapsed_ms", result.elapsed().toNanos() / 1e6).put("stdout", result.stdout());
                        doc.set("result", result.value());
                        doc.put("ran_in", "process");
                        out.println(Json.pretty(doc));
                    } else {
                        if (!result.stdout().isEmpty()) {
                            spec.commandLine().getErr().print(result.stdout());
                        }
                        out.println(Json.pretty(result.value()));
                    }
                    return 0;
                } catch (ToolException e) {
                    if (json) {
                        out.println(Json.pretty(Json.MAPPER.createObjectNode().put("tool", name).put("ok", false)
                                .put("error", e.error().kind()).put("message", e.error().message())));
                    }
                    throw e;
                }
            }
        }

    }

    private static List<Path> pymFiles(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.toString().endsWith(".pym")).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new HubException(ExitCode.NOT_FOUND, "cannot list " + p + ": " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new HubException(ExitCode.NOT_FOUND, "no such file or directory: " + p);
            }
        }
        return files;
    }
}
