package dev.nodestate.hub.repl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.rules.Rule;
import dev.nodestate.hub.rules.RuleSet;
import dev.nodestate.hub.sandbox.GuestResult;
import dev.nodestate.hub.sandbox.PythonRuntime;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.tool.PymTool;
import dev.nodestate.hub.tool.ToolInputs;
import dev.nodestate.hub.trace.TraceLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The commands of the {@code hub>} REPL, shared with the one-shot CLI: {@code hub callers X} and
 * {@code hub> callers X} run the same code. Each command returns a {@link Reply} (a JSON document and
 * its text form) or throws a HubException whose message is one line for the user.
 */
public final class ReplCommands implements AutoCloseable {

    static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    /** Where a REPL or one-shot command runs: the repository, the tools and rules directories, --json. */
    public record Settings(Path root, Path toolsDir, Path rulesDir, boolean json) {
        public Settings {
            root = root.toAbsolutePath().normalize();
        }
    }

    /** What a command gives back: the JSON document printed with --json, and its text. */
    public record Reply(JsonNode json, String text) {
    }

    /** What a command's arguments are, for completion. */
    enum Arg { NONE, NODE, PATTERN, TOOL, COMMAND }

    record Spec(String name, String usage, Arg arg, String help) {
    }

    static final List<Spec> SPECS = List.of(
            new Spec("show", "show NODE", Arg.NODE, "one node's state (ids may be abbreviated)"),
            new Spec("find", "find PATTERN [LIMIT]", Arg.PATTERN, "node ids containing PATTERN (* and ? wildcards)"),
            new Spec("callers", "callers NODE", Arg.NODE, "who calls the node"),
            new Spec("callees", "callees NODE", Arg.NODE, "what the node calls"),
            new Spec("tests", "tests NODE", Arg.NODE, "tests related to the node"),
            new Spec("similar", "similar NODE", Arg.NODE, "nodes similar to the node"),
            new Spec("context", "context NODE", Arg.NODE, "what an agent gets: the facts and whether they are fresh"),
            new Spec("impact", "impact NODE", Arg.NODE, "changing the node's API: callers, tests, exported or not"),
            new Spec("run", "run TOOL [NODE] [KEY=VALUE...]", Arg.TOOL, "run a tool (node_id, file_path(s) taken from NODE)"),
            new Spec("tools", "tools", Arg.NONE, "the .pym tools, their status and limits"),
            new Spec("rules", "rules", Arg.NONE, "the rules and what they propose"),
            new Spec("reload", "reload", Arg.NONE, "re-read node ids (completion) and tools"),
            new Spec("status", "status", Arg.NONE, "where answers come from: the running hub or the store"),
            new Spec("trace", "trace [NODE] [N]", Arg.NODE, "the last N (10) update traces, of NODE or of all"),
            new Spec("help", "help [COMMAND]", Arg.COMMAND, "this list"),
            new Spec("quit", "quit", Arg.NONE, "leave (also Ctrl-D)"));

    private static final Set<String> NEED_NODE = Set.of("show", "callers", "callees", "tests", "similar", "context", "impact");

    private final Settings settings;
    private final Backend backend;
    private final Tools tools;
    private volatile List<String> ids;

    ReplCommands(Settings settings, Backend backend, Supplier<PythonRuntime> runtime) {
        this.settings = settings;
        this.backend = backend;
        this.tools = new Tools(settings.toolsDir(), settings.root(), runtime);
    }

    /**
     * Commands on the running hub of the repository, else on its store ({@code writable}: read-write when
     * no other process holds it). Tools run on {@code runtime} when given, else on a runtime started on first use.
     */
    public static ReplCommands open(Settings settings, boolean writable, Supplier<PythonRuntime> runtime) {
        return new ReplCommands(settings, Backend.open(settings.root(), writable), runtime);
    }

    /**
     * Runs one command from the shell ({@code hub callers X}); prints its text (or JSON with --json) to
     * {@code out}. Errors are thrown as HubException, for the CLI's one exit-code mapping.
     */
    public static void oneShot(Settings settings, String command, List<String> args, PrintWriter out,
            Supplier<PythonRuntime> runtime) {
        try (ReplCommands commands = open(settings, false, runtime)) {
            Reply reply = commands.run(command, args);
            out.print(settings.json() ? reply.json().toString() + System.lineSeparator() : reply.text());
            out.flush();
        }
    }

    public String mode() {
        return backend.mode();
    }

    Settings settings() {
        return settings;
    }

    /** Every node id, cached until {@link #reload}. */
    public List<String> ids() {
        List<String> cached = ids;
        if (cached == null) {
            cached = List.copyOf(backend.ids());
            ids = cached;
        }
        return cached;
    }

    List<String> toolNames() {
        return tools.names();
    }

    /** Runs a command line typed at the prompt. */
    public Reply run(String line) {
        List<String> words = Words.split(line);
        if (words.isEmpty()) {
            throw new HubException(ExitCode.USAGE, "empty command; `help` lists the commands");
        }
        return run(words.getFirst(), words.subList(1, words.size()));
    }

    Reply run(String command, List<String> args) {
        if (NEED_NODE.contains(command) && args.size() != 1) {
            throw usage(command);
        }
        return switch (command) {
            case "show" -> show(args.getFirst());
            case "find" -> find(args);
            case "callers", "callees", "tests" -> relation(command, args.getFirst());
            case "similar" -> similar(args.getFirst());
            case "context" -> context(args.getFirst());
            case "impact" -> impact(args.getFirst());
            case "run" -> runTool(args);
            case "tools" -> tools();
            case "rules" -> rules();
            case "reload" -> reload();
            case "status" -> status();
            case "trace" -> trace(args);
            case "help" -> help(args);
            case "quit", "exit" -> new Reply(JSON.createObjectNode().put("quit", true), "");
            default -> throw new HubException(ExitCode.USAGE, "unknown command '" + command + "'; commands: "
                    + SPECS.stream().map(Spec::name).collect(Collectors.joining(" ")));
        };
    }

    private static HubException usage(String command) {
        Spec spec = SPECS.stream().filter(s -> s.name().equals(command)).findFirst().orElseThrow();
        return new HubException(ExitCode.USAGE, "usage: " + spec.usage() + " (" + spec.help() + ")");
    }

    private Reply show(String query) {
        NodeState n = backend.resolve(query);
        return new Reply(tree(n.toJson()), Render.node(n));
    }

    private Reply find(List<String> args) {
        if (args.isEmpty() || args.size() > 2) {
            throw usage("find");
        }
        int limit = args.size() == 2 ? positive(args.get(1), "LIMIT") : 50;
        String pattern = args.getFirst();
        List<Backend.Hit> hits = backend.find(pattern, limit);
        if (hits.isEmpty()) {
            throw new HubException(ExitCode.NOT_FOUND, "no node matches '" + pattern + "'");
        }
        ObjectNode json = JSON.createObjectNode().put("pattern", pattern);
        json.set("results", JSON.valueToTree(hits));
        StringBuilder text = new StringBuilder();
        hits.forEach(h -> text.append(String.format("%-60s %s%n", h.id(), h.signature() == null ? "" : h.signature())));
        if (hits.size() == limit) {
            text.append("(first ").append(limit).append("; `find ").append(pattern).append(" N` shows more)\n");
        }
        return new Reply(json, text.toString());
    }

    private Reply relation(String type, String query) {
        NodeState n = backend.resolve(query);
        List<String> list = switch (type) {
            case "callers" -> n.callers();
            case "callees" -> n.callees();
            default -> n.relatedTests();
        };
        String tool = switch (type) {
            case "callers" -> "find_callers";
            case "callees" -> "find_callees";
            default -> "find_tests";
        };
        ObjectNode json = JSON.createObjectNode().put("node_id", n.id().toString());
        json.set(type, JSON.valueToTree(list));
        if (list == null) {
            json.put("note", type + " not computed yet for this node");
        }
        String text = Render.list(type + " of " + n.id(), list, "the " + tool + " tool fills them");
        if (type.equals("callees") && list != null) {
            List<String> unresolved = backend.unresolved(n.id().toString());
            json.set("unresolved", JSON.valueToTree(unresolved));
            if (!unresolved.isEmpty()) {
                text += "  unresolved (" + unresolved.size() + "): " + String.join(", ", unresolved) + "\n";
            }
        }
        return new Reply(json, text);
    }

    private Reply similar(String query) {
        NodeState n = backend.resolve(query);
        JsonNode reply = backend.similar(n.id().toString());
        StringBuilder text = new StringBuilder();
        JsonNode similar = reply.path("similar");
        if (similar.isArray() && !similar.isEmpty()) {
            text.append("similar to ").append(n.id()).append(" (").append(similar.size()).append("):\n");
            similar.forEach(s -> text.append("  ").append(s.isTextual() ? s.asText()
                    : String.format("%.4f  %s", s.path("score").asDouble(), s.path("id").asText())).append('\n'));
        } else {
            text.append("similar to ").append(n.id()).append(": ")
                    .append(reply.path("note").asText("none")).append('\n');
        }
        return new Reply(reply, text.toString());
    }

    private Reply context(String query) {
        NodeState n = backend.resolve(query);
        JsonNode c = backend.context(n.id().toString());
        StringBuilder text = new StringBuilder();
        text.append(n.id()).append("  ").append(c.path("freshness_status").asText())
                .append(" (updated ").append(c.path("last_updated").asText("never")).append(", source ")
                .append(c.path("source_version").asText("?")).append(")\n");
        if (c.hasNonNull("signature")) {
            text.append("  ").append(c.get("signature").asText()).append('\n');
        }
        if (c.hasNonNull("docstring")) {
            text.append("  \"").append(c.get("docstring").asText().lines().findFirst().orElse("")).append("\"\n");
        }
        text.append("  complexity ").append(c.path("complexity").asText("?")).append('\n');
        for (String field : List.of("callers", "callees", "related_tests")) {
            JsonNode v = c.path(field);
            text.append("  ").append(field.replace("related_", "")).append(": ");
            text.append(v.isArray() ? (v.isEmpty() ? "none" : Render.inline(strings(v), 8)) : "not computed yet").append('\n');
        }
        if (c.hasNonNull("warning")) {
            text.append("  warning: ").append(c.get("warning").asText()).append('\n');
        }
        return new Reply(c, text.toString());
    }

    /**
     * Demo 2 on demand: every call site of the node checked against its signature (against the old one hub watch
     * recorded, when the node's last impact page has it), the tests to run, the exports (list_exports) and similar
     * nodes; written to .agentfs/impact/ like hub watch does. The data comes from the running hub when there is one.
     */
    private Reply impact(String query) {
        NodeState n = backend.resolve(query);
        String id = n.id().toString();
        JsonNode exports = null;
        String exportsProblem = null;
        try {
            exports = runAnywhere("list_exports", Map.of("file_paths", JSON.createArrayNode().add(n.filePath()).toString()));
        } catch (HubException e) {
            exportsProblem = e.getMessage().lines().findFirst().orElse("list_exports failed");
        }
        List<Map<String, Object>> similar = dev.nodestate.hub.impact.ImpactWatch.similar(backend.similar(id));
        dev.nodestate.hub.impact.Impacts.Source source = new dev.nodestate.hub.impact.Impacts.Source() {
            @Override
            public java.util.Optional<NodeState> get(String nodeId) {
                try {
                    NodeState found = backend.resolve(nodeId);
                    return found.id().toString().equals(nodeId) ? java.util.Optional.of(found) : java.util.Optional.empty();
                } catch (HubException e) {
                    return java.util.Optional.empty();
                }
            }

            @Override
            public List<NodeState> overloads(NodeState node) {
                List<NodeState> candidates = new ArrayList<>();
                for (Backend.Hit h : backend.find(dev.nodestate.hub.diff.Signatures.simpleName(node.nodeName()), 500)) {
                    if (h.file().equals(node.filePath())) {
                        get(h.id()).ifPresent(candidates::add);
                    }
                }
                return dev.nodestate.hub.impact.ImpactWatch.sameName(node, candidates);
            }
        };
        var served = dev.nodestate.hub.impact.Impacts.onDemand(settings.root(), source, n,
                new dev.nodestate.hub.impact.Impacts.ToolViews(exports, exportsProblem, similar), backend instanceof SocketBackend ? "cli, via the running hub" : "cli");
        return new Reply(dev.nodestate.hub.impact.Impacts.json(settings.root(), served),
                dev.nodestate.hub.impact.Impacts.describe(settings.root(), served));
    }

    /**
     * {@code run TOOL [NODE] [KEY=VALUE...]}: NODE fills node_id, file_path and file_paths when the tool takes them. With a
     * hub running, the hub runs it (run_tool over the socket, on its warm runtime); else it runs here.
     */
    private Reply runTool(List<String> args) {
        if (args.isEmpty()) {
            throw usage("run");
        }
        String name = args.getFirst();
        Map<String, String> text = new LinkedHashMap<>();
        NodeState node = null;
        for (String arg : args.subList(1, args.size())) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                if (node != null) {
                    throw new HubException(ExitCode.USAGE, "run takes one NODE; '" + arg + "' is a second (inputs are KEY=VALUE)");
                }
                node = backend.resolve(arg);
                continue;
            }
            text.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("tool", name);
        request.put("inputs", text);
        if (node != null) {
            request.put("node", Map.of("id", node.id().toString(), "file_path", node.filePath()));
        }
        request.put("tools_dir", settings.toolsDir().toAbsolutePath().normalize().toString());
        var remote = backend.runTool(request);
        if (remote.isPresent()) {
            return hubReply(name, remote.get());
        }
        PymTool tool = tools.get(name);
        Map<String, JsonNode> inputs = ToolInputs.parse(tool, text);
        if (node != null) {
            ToolInputs.fillFromNode(tool, inputs, node.id().toString(), node.filePath());
        }
        GuestResult r = tools.run(tool, inputs);
        return toolReply(name, r.elapsed().toNanos() / 1e6, r.stdout(), r.value(), "process", ProcessHandle.current().pid());
    }

    /**
     * A tool's result with text inputs ({@code KEY=VALUE}, lists as JSON): run by the running hub when there is one
     * (no GraalPy starts here), else in this process.
     */
    private JsonNode runAnywhere(String name, Map<String, String> text) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("tool", name);
        request.put("inputs", text);
        request.put("tools_dir", settings.toolsDir().toAbsolutePath().normalize().toString());
        var remote = backend.runTool(request);
        if (remote.isPresent()) {
            return hubReply(name, remote.get()).json().get("result");
        }
        PymTool tool = tools.get(name);
        return tools.run(tool, ToolInputs.parse(tool, text)).value();
    }

    private static Reply toolReply(String name, double ms, String stdout, JsonNode value, String where, long pid) {
        ObjectNode json = JSON.createObjectNode().put("tool", name).put("ok", true).put("elapsed_ms", ms).put("stdout", stdout);
        json.set("result", value);
        json.put("ran_in", where).put("pid", pid);
        String text = (stdout.isEmpty() ? "" : stdout + (stdout.endsWith("\n") ? "" : "\n"))
                + pretty(value) + "\n" + String.format("(%s in %.0f ms%s)%n", name, ms,
                where.equals("hub") ? ", ran in the hub, pid " + pid : "");
        return new Reply(json, text);
    }

    private static Reply hubReply(String name, JsonNode reply) {
        long pid = reply.path("pid").asLong();
        if (reply.path("ok").asBoolean()) {
            return toolReply(name, reply.path("elapsed_ms").asDouble(), reply.path("stdout").asText(), reply.get("result"), "hub", pid);
        }
        int code = reply.path("exit_code").asInt(1);
        String message = code == ExitCode.TOOL_FAILED.code()
                ? "tool " + name + " failed: " + reply.path("error").asText() + ": "
                        + reply.path("message").asText().lines().findFirst().orElse("")
                : reply.path("message").asText();
        throw new HubException(ExitCode.of(code), message + " (ran in the hub, pid " + pid + ")");
    }

    private Reply tools() {
        ArrayNode json = JSON.createArrayNode();
        StringBuilder text = new StringBuilder();
        for (PymTool t : tools.list()) {
            json.addObject().put("name", t.name()).put("status", t.status()).put("description", t.docstring())
                    .put("limits", t.limits().toString());
            text.append(String.format("%-24s %-6s %s%n", t.name(), t.status(),
                    t.docstring() == null ? "" : t.docstring().lines().findFirst().orElse("")));
        }
        if (json.isEmpty()) {
            text.append("(no tools in ").append(settings.toolsDir()).append(")\n");
        }
        return new Reply(json, text.toString());
    }

    private Reply rules() {
        RuleSet set = RuleSet.load(settings.rulesDir(), Set.copyOf(tools.names())::contains);
        ArrayNode json = JSON.createArrayNode();
        StringBuilder text = new StringBuilder();
        for (Rule r : set.rules()) {
            ObjectNode o = json.addObject().put("name", r.name()).put("source", r.source()).put("enabled", r.enabled())
                    .put("description", r.description());
            ArrayNode propose = o.putArray("propose");
            r.propose().forEach(p -> propose.add(p.tool()));
            text.append(String.format("%-28s %s%s%n", r.name(), r.source(), r.enabled() ? "" : "  (disabled)"));
            if (r.description() != null) {
                text.append("    ").append(r.description()).append('\n');
            }
            text.append("    proposes ").append(r.propose().stream().map(p -> p.tool() + " (" + p.priority() + ")")
                    .collect(Collectors.joining(", "))).append('\n');
        }
        if (set.hasErrors()) {
            text.append(set.errors().size()).append(" rule problem(s) in ").append(set.directory())
                    .append("; `hub rules check` lists them\n");
        }
        if (set.rules().isEmpty()) {
            text.append("(no rules in ").append(set.directory()).append(")\n");
        }
        return new Reply(json, text.toString());
    }

    private Reply reload() {
        ids = null;
        int count = ids().size();
        tools.reload();
        int toolCount = tools.names().size();
        return new Reply(JSON.createObjectNode().put("node_ids", count).put("tools", toolCount),
                "reloaded: " + count + " node ids, " + toolCount + " tools\n");
    }

    private Reply status() {
        ObjectNode json = JSON.createObjectNode().put("mode", backend.mode());
        json.setAll((ObjectNode) backend.status());
        StringBuilder text = new StringBuilder(backend.mode()).append('\n');
        text.append("  ").append(json.path("nodes").asLong()).append(" nodes in ").append(json.path("files").asLong())
                .append(" files");
        if (json.path("running").asBoolean()) {
            text.append("; last update ").append(json.path("last_update").asText("never")).append("; ")
                    .append(json.path("queue_depth").asInt()).append(" job(s) queued");
        }
        return new Reply(json, text.append('\n').toString());
    }

    /** The last N lines of updates.jsonl, optionally those of one node (or of its file). */
    private Reply trace(List<String> args) {
        String node = null;
        int count = 10;
        for (String a : args) {
            if (a.chars().allMatch(Character::isDigit) && !a.isEmpty()) {
                count = positive(a, "N");
            } else if (node == null) {
                node = backend.resolve(a).id().toString();
            } else {
                throw usage("trace");
            }
        }
        Path file = TraceLog.directory(settings.root()).resolve("updates.jsonl");
        List<JsonNode> entries = new ArrayList<>();
        for (String line : tail(file, 4 << 20)) {
            try {
                JsonNode e = JSON.readTree(line);
                if (node == null || node.equals(e.path("node").asText(null))
                        || e.path("node").isNull() && NodeId.parse(node).file().equals(e.path("file").asText(null))) {
                    entries.add(e);
                }
            } catch (IOException e) {
                // a line being written; skip it
            }
        }
        List<JsonNode> last = entries.subList(Math.max(0, entries.size() - count), entries.size());
        ArrayNode json = JSON.createArrayNode().addAll(last);
        StringBuilder text = new StringBuilder();
        if (last.isEmpty()) {
            text.append("no update traces").append(node == null ? "" : " for " + node).append(" in ").append(file)
                    .append(" (`hub watch` writes them)\n");
        }
        for (JsonNode e : last) {
            List<String> runs = new ArrayList<>();
            e.path("tools_run").forEach(t -> runs.add(t.path("tool").asText() + " " + t.path("outcome").asText()
                    + " " + t.path("duration_ms").asLong() + " ms"));
            text.append(String.format("%s  %s  %s%s%n", e.path("at").asText(), e.path("node").asText(e.path("file").asText()),
                    e.path("outcome").asText(), runs.isEmpty() ? "" : "  [" + String.join("; ", runs) + "]"));
        }
        return new Reply(JSON.createObjectNode().set("entries", json), text.toString());
    }

    private static List<String> tail(Path file, long maxBytes) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - maxBytes);
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            List<String> lines = new ArrayList<>(new String(bytes, StandardCharsets.UTF_8).lines().toList());
            if (start > 0 && !lines.isEmpty()) {
                lines.removeFirst(); // cut in the middle
            }
            return lines;
        } catch (IOException e) {
            throw new HubException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Reply help(List<String> args) {
        List<Spec> shown = args.isEmpty() ? SPECS
                : SPECS.stream().filter(s -> s.name().equals(args.getFirst())).toList();
        if (shown.isEmpty()) {
            throw new HubException(ExitCode.USAGE, "no command '" + args.getFirst() + "'; `help` lists them");
        }
        ArrayNode json = JSON.createArrayNode();
        StringBuilder text = new StringBuilder();
        for (Spec s : shown) {
            json.addObject().put("command", s.name()).put("usage", s.usage()).put("help", s.help());
            text.append(String.format("  %-32s %s%n", s.usage(), s.help()));
        }
        if (args.isEmpty()) {
            text.append("NODE: an id (pkg/mod.py::Class.method) or an unambiguous part; Tab completes commands, ids, tools.\n");
        }
        return new Reply(json, text.toString());
    }

    private static int positive(String text, String what) {
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new HubException(ExitCode.USAGE, what + " must be a positive number, not '" + text + "'");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static String indent(String text) {
        return text.lines().map(l -> "  " + l).collect(Collectors.joining("\n", "", "\n"));
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("a node's JSON did not parse", e);
        }
    }

    private static String pretty(JsonNode value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        tools.close();
        backend.close();
    }
}
