package dev.nodestate.hub.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Condition;
import dev.nodestate.hub.rules.Explanation;
import dev.nodestate.hub.rules.Rule;
import dev.nodestate.hub.rules.RuleSet;
import dev.nodestate.hub.serve.HubClient;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hub rules check|list|explain}: the YAML rules. The rules directory is {@code --rules DIR},
 * else {@code PATH/rules} when the repository has one, else the hub's own {@code rules/}; tools are
 * looked up by file name in {@code --tools DIR}, else the hub's {@code tools/} (no Python starts).
 */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Check, list and explain the YAML rules.",
        subcommands = {RulesCommand.Check.class, RulesCommand.ListRules.class, RulesCommand.Explain.class})
final class RulesCommand implements Runnable {

    @Option(names = "--rules", paramLabel = "DIR", description = "Rules directory (default: PATH/rules if present, else the hub's rules/).")
    Path rulesDir;

    @Option(names = "--tools", paramLabel = "DIR", description = "Tools directory (default: the hub's tools/).")
    Path toolsDir;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    Path rulesDir(Path repo) {
        return HubSession.rulesDir(repo, rulesDir);
    }

    /** Loads the rules for {@code repo}, with tools known by their .pym file names. */
    RuleSet load(Path repo) {
        return RuleSet.load(rulesDir(repo), HubSession.toolNames(toolsDir)::contains);
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Load the rules and list every problem (file, line, field, what to do). Exits 7 on errors.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        RulesCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "PATH", description = "Repository (default: current directory).")
        Path repo = Path.of("");

        @Option(names = "--json", description = "Print the problems as JSON.")
        boolean json;

        @Override
        public Integer call() {
            RuleSet set = parent.load(repo);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode doc = Json.MAPPER.createObjectNode().put("rules_dir", set.directory().toString())
                        .put("rules", set.rules().size()).put("errors", set.errors().size())
                        .put("warnings", set.warnings().size());
                doc.set("files", Json.MAPPER.valueToTree(set.files()));
                doc.set("problems", Json.MAPPER.valueToTree(set.problems()));
                out.println(Json.pretty(doc));
            } else {
                set.problems().forEach(p -> out.println(p.describe()));
                spec.commandLine().getErr().printf("%s: %d file(s), %d rule(s): %d error(s), %d warning(s)%n",
                        set.directory(), set.files().size(), set.rules().size(), set.errors().size(), set.warnings().size());
            }
            return set.hasErrors() ? ExitCode.CHECK_FAILED.code() : 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the rules: conditions and proposals. Exits 7 when some rules have errors (they are left out).")
    static final class ListRules implements Callable<Integer> {
        @ParentCommand
        RulesCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "PATH", description = "Repository (default: current directory).")
        Path repo = Path.of("");

        @Option(names = "--json", description = "Print as JSON.")
        boolean json;

        @Override
        public Integer call() {
            RuleSet set = parent.load(repo);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ArrayNode all = Json.MAPPER.createArrayNode();
                for (Rule r : set.rules()) {
                    ObjectNode n = all.addObject().put("name", r.name()).put("source", r.source())
                            .put("description", r.description()).put("enabled", r.enabled());
                    ArrayNode when = n.putArray("when");
                    r.when().forEach(c -> when.addObject().put("condition", c.key()).put("needs", c.expected()));
                    n.set("propose", Json.MAPPER.valueToTree(r.propose()));
                }
                out.println(Json.pretty(all));
            } else {
                if (set.rules().isEmpty()) {
                    out.println("(no rules)");
                }
                for (Rule r : set.rules()) {
                    out.printf("%-28s %s%s%n", r.name(), r.source(), r.enabled() ? "" : "  (disabled)");
                    if (r.description() != null) {
                        out.println("    " + r.description());
                    }
                    for (Condition c : r.when()) {
                        out.println("    when    " + c.key() + ": " + c.expected());
                    }
                    for (Rule.Proposal p : r.propose()) {
                        out.printf("    propose %s (priority %d%s)%n", p.tool(), p.priority(),
                                p.optional() ? ", optional" + (p.available() ? "" : ", not installed") : "");
                    }
                }
            }
            return reportErrors(set, spec);
        }
    }

    /** Prints a load's errors to stderr; the exit code for a command that still did its work. */
    private static int reportErrors(RuleSet set, CommandSpec spec) {
        if (!set.hasErrors()) {
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.printf("%d error(s) in %s; the rules they are in are left out (run `hub rules check`):%n",
                set.errors().size(), set.directory());
        set.errors().forEach(p -> err.println("  " + p.describe()));
        return ExitCode.CHECK_FAILED.code();
    }

    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = "Evaluate the rules on a node's last recorded change and show, per rule, each condition "
                    + "(needed vs seen) and the candidates. With a hub running, its last good rules (and a warning when "
                    + "the rules on disk differ or do not load); else the rules on disk. Exits 3 when no change is "
                    + "recorded for the node.")
    static final class Explain implements Callable<Integer> {
        @ParentCommand
        RulesCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NODE", description = "Node id, or an unambiguous part of one (as for `hub show`).")
        String node;

        @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "Repository (default: current directory).")
        Path repo = Path.of("");

        @Option(names = "--json", description = "Print the change, the candidates and every rule's checks as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Path root = RepoRoot.of(repo);
            NodeState state;
            String changeJson;
            try (NodeStore store = NodeStore.openReadOnly(root)) {
                state = NodeCommands.resolve(store, node);
                changeJson = store.lastChange(state.id().toString()).orElse(null);
            }
            PrintWriter out = spec.commandLine().getOut();
            String id = state.id().toString();
            if (changeJson == null) {
                if (json) {
                    out.println(Json.pretty(Json.MAPPER.createObjectNode().put("node_id", id).putNull("change")));
                }
                spec.commandLine().getErr().println("no change recorded for " + id + ": rules fire on changes seen by "
                        + "`hub watch`, and none has been recorded for this node yet");
                return ExitCode.NOT_FOUND.code();
            }
            DiffBundle change;
            try {
                change = Json.MAPPER.readValue(changeJson, DiffBundle.class);
            } catch (JsonProcessingException e) {
                throw new HubException(ExitCode.FAILURE, "the stored last change of " + id + " is not a valid diff bundle: "
                        + e.getOriginalMessage(), e);
            }
            PrintWriter err = spec.commandLine().getErr();
            Optional<JsonNode> hub = HubClient.explainInHub(root, id);
            String hubDir = hub.filter(r -> !r.has("error")).map(r -> r.path("rules_dir").asText()).orElse(null);
            if (hubDir != null && parent.rulesDir != null && !parent.rulesDir(root).equals(Path.of(hubDir))) {
                err.printf("the running hub (pid %d) uses the rules in %s, not --rules %s: explaining with %s as on disk%n",
                        hub.get().path("pid").asLong(), hubDir, parent.rulesDir(root), parent.rulesDir(root));
                hubDir = null;
            }
            if (hubDir == null) {
                err.println(hub.map(r -> r.has("error") ? "the running hub cannot explain (" + r.path("error").asText() + "): "
                        : "").orElse("no hub runs for " + root + ": ") + "explaining with the rules on disk");
                RuleSet set = parent.load(root);
                Explanation e = Explanation.of(id, change, state, set, "on disk", null, null);
                print(out, json ? List.of(Json.pretty(e.json(Json.MAPPER))) : e.text());
                // explaining still works with the valid rules; the errors are only reported
                reportErrors(set, spec);
                return 0;
            }
            JsonNode reply = hub.get();
            print(out, json ? List.of(Json.pretty(reply.get("explain")))
                    : Json.MAPPER.convertValue(reply.get("text"), new TypeReference<List<String>>() { }));
            warnIfDiskDiffers(Path.of(hubDir), reply, change, state, err);
            return 0;
        }

        private static void print(PrintWriter out, List<String> lines) {
            lines.forEach(out::println);
        }

        /** Warns on stderr when the rules on disk do not load or would explain this change differently. */
        private void warnIfDiskDiffers(Path dir, JsonNode reply, DiffBundle change, NodeState state, PrintWriter err) {
            String hub = "the running hub (pid " + reply.path("pid").asLong() + ") explained with its last good rules";
            RuleSet disk;
            try {
                disk = RuleSet.load(dir, HubSession.toolNames(parent.toolsDir)::contains);
            } catch (HubException e) {
                err.println(hub + "; the rules on disk do not load: " + e.getMessage());
                return;
            }
            diskWarnings(hub, dir, disk, reply.path("explain").path("rules"), change, state).forEach(err::println);
        }

        /** What to tell when the loaded rules on disk are broken or explain {@code change} unlike the hub's {@code hubRules}. */
        static List<String> diskWarnings(String hub, Path dir, RuleSet disk, JsonNode hubRules, DiffBundle change, NodeState state) {
            List<String> out = new ArrayList<>();
            if (disk.hasErrors()) {
                out.add(String.format("%s; the rules on disk have %d error(s), so the hub keeps its last good rules until they are"
                        + " fixed (run `hub rules check`):", hub, disk.errors().size()));
                disk.errors().forEach(p -> out.add("  " + p.describe()));
            } else if (!Json.MAPPER.valueToTree(disk.evaluate(change, state).rules()).equals(hubRules)) {
                out.add(hub + "; the rules on disk in " + dir + " differ (the hub has not reloaded them yet)");
            }
            return out;
        }
    }
}
