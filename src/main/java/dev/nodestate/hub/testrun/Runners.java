package dev.nodestate.hub.testrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The test runners the user allows: {@code runners.yaml}, from the repository's {@code .agentfs/runners.yaml}
 * when it exists, else the hub's own {@code runners.yaml} (shipped with pytest, maven and junit-console entries).
 * Nothing else may start a process: a tool names a test, the host picks the first runner of the test's language
 * whose {@code requires} files exist and whose {@code tests} globs match the test file, and runs its commands.
 */
public record Runners(Path source, List<Runner> runners) {

    static final long DEFAULT_TIMEOUT_S = 120;
    static final int DEFAULT_OUTPUT_KB = 64;
    static final Set<String> OUTCOMES = Set.of("passed", "failed", "error");
    private static final Set<String> KEYS = Set.of("language", "requires", "tests", "commands", "env", "timeout_s",
            "output_kb", "outcomes", "description");

    /**
     * One runner. {@code commands} run in order in the repository (a non-zero exit of any but the last is an
     * {@code error}); the last one's exit code maps to an outcome through {@code outcomes}, any other code is
     * {@code error}. The process gets a clean environment: {@code PATH} and the declared {@code env}, nothing else.
     */
    public record Runner(String name, String language, List<String> requires, List<String> tests,
            List<List<String>> commands, Map<String, String> env, long timeoutSeconds, int outputBytes,
            Map<Integer, String> outcomes) {

        boolean fits(Path repo, String language, String testFile) {
            if (!this.language.equals(language)) {
                return false;
            }
            for (String r : requires) {
                if (!Files.exists(repo.resolve(r))) {
                    return false;
                }
            }
            if (tests.isEmpty()) {
                return true;
            }
            for (String glob : tests) {
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
                if (m.matches(Path.of(testFile))) {
                    return true;
                }
            }
            return false;
        }

        String outcome(int exit) {
            return outcomes.getOrDefault(exit, "error");
        }
    }

    /** Where the runners of {@code repo} come from: its {@code .agentfs/runners.yaml}, else the hub's. */
    public static Path locate(Path repo) {
        Path own = repo.resolve(".agentfs").resolve("runners.yaml");
        if (Files.isRegularFile(own)) {
            return own;
        }
        String home = System.getProperty("hub.home");
        Path hub = (home != null ? Path.of(home) : Path.of("").toAbsolutePath()).resolve("runners.yaml");
        return Files.isRegularFile(hub) ? hub : own;
    }

    /** Loads the runners of {@code repo}; a missing or bad file is a {@link RunRefused} saying what to do. */
    public static Runners load(Path repo) throws RunRefused {
        Path file = locate(repo);
        if (!Files.isRegularFile(file)) {
            throw new RunRefused("no runners configured: neither " + file + " nor the hub's runners.yaml exists; "
                    + "create " + file + " with a 'runners:' map (see the README, \"Demo 3\")");
        }
        return parse(file);
    }

    static Runners parse(Path file) throws RunRefused {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new RunRefused(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.path("runners").isObject()) {
            throw new RunRefused(file + ": expected a top-level 'runners:' map of name -> runner");
        }
        List<Runner> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("runners").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.add(runner(file, e.getKey(), e.getValue()));
        }
        return new Runners(file, List.copyOf(out));
    }

    private static Runner runner(Path file, String name, JsonNode n) throws RunRefused {
        String where = file + ": runners." + name;
        if (!n.isObject()) {
            throw new RunRefused(where + ": expected a map with language and commands");
        }
        for (Iterator<String> keys = n.fieldNames(); keys.hasNext(); ) {
            String k = keys.next();
            if (!KEYS.contains(k)) {
                throw new RunRefused(where + "." + k + ": unknown key; the keys are " + new java.util.TreeSet<>(KEYS));
            }
        }
        String language = n.path("language").asText("");
        if (!language.equals("python") && !language.equals("java")) {
            throw new RunRefused(where + ".language: '" + language + "' (python or java)");
        }
        List<List<String>> commands = new ArrayList<>();
        for (JsonNode c : n.path("commands")) {
            if (!c.isArray() || c.isEmpty()) {
                throw new RunRefused(where + ".commands: each command is a non-empty list of arguments, not " + c);
            }
            List<String> argv = new ArrayList<>();
            c.forEach(a -> argv.add(a.asText()));
            commands.add(List.copyOf(argv));
        }
        if (commands.isEmpty()) {
            throw new RunRefused(where + ".commands: at least one command (a list of arguments) is needed");
        }
        Map<String, String> env = new TreeMap<>();
        n.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        Map<Integer, String> outcomes = new LinkedHashMap<>();
        if (n.has("outcomes")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.get("outcomes").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String o = e.getValue().asText();
                if (!OUTCOMES.contains(o)) {
                    throw new RunRefused(where + ".outcomes." + e.getKey() + ": '" + o + "' (passed, failed or error)");
                }
                try {
                    outcomes.put(Integer.parseInt(e.getKey()), o);
                } catch (NumberFormatException x) {
                    throw new RunRefused(where + ".outcomes: '" + e.getKey() + "' is not an exit code");
                }
            }
        } else {
            outcomes.put(0, "passed");
            outcomes.put(1, "failed");
        }
        long timeout = n.path("timeout_s").asLong(DEFAULT_TIMEOUT_S);
        int outputKb = n.path("output_kb").asInt(DEFAULT_OUTPUT_KB);
        if (timeout <= 0 || outputKb <= 0) {
            throw new RunRefused(where + ": timeout_s and output_kb must be positive");
        }
        return new Runner(name, language, strings(n.path("requires")), strings(n.path("tests")), List.copyOf(commands),
                Map.copyOf(env), timeout, outputKb * 1024, Map.copyOf(outcomes));
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isTextual()) {
            out.add(n.asText());
        }
        n.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }

    /**
     * The runner for a test: {@code name} when given (it must exist and be for the language), else the first that
     * fits. Refused, with what to do, when none does.
     */
    public Runner pick(Path repo, String name, String language, String testFile) throws RunRefused {
        if (name != null && !name.isEmpty()) {
            for (Runner r : runners) {
                if (r.name().equals(name)) {
                    if (!r.language().equals(language)) {
                        throw new RunRefused("runner '" + name + "' in " + source + " runs " + r.language() + " tests, not " + language);
                    }
                    return r;
                }
            }
            throw new RunRefused("runner '" + name + "' is not configured in " + source + "; configured: "
                    + runners.stream().map(Runner::name).toList() + " (add it there to allow it)");
        }
        for (Runner r : runners) {
            if (r.fits(repo, language, testFile)) {
                return r;
            }
        }
        throw new RunRefused("no runner for " + language + " test " + testFile + " is configured in " + source
                + " (configured: " + runners.stream().map(r -> r.name() + " (" + r.language() + ")").toList()
                + "); add one with language: " + language + " and its commands");
    }

    /** A run the host will not start; the message says why and what to do. */
    public static final class RunRefused extends Exception {
        public RunRefused(String message) {
            super(message);
        }
    }
}
