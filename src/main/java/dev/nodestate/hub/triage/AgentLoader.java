package dev.nodestate.hub.triage;

import dev.nodestate.hub.rules.Problem;
import dev.nodestate.hub.rules.Yaml;
import dev.nodestate.hub.rules.Yaml.Entry;
import dev.nodestate.hub.rules.Yaml.MapNode;
import dev.nodestate.hub.rules.Yaml.Node;
import dev.nodestate.hub.rules.Yaml.Scalar;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code triage/agent.yaml} into an {@link AgentDefinition}, with every problem as
 * {@code triage/agent.yaml:LINE: error: FIELD: what (what to do)}. A file with errors yields no definition.
 */
final class AgentLoader {

    static final String FILE = "agent.yaml";
    static final List<String> KEYS = List.of("engine", "model", "adapter", "endpoint", "embedded", "timeout_ms", "budget",
            "max_candidates", "temperature", "fallback", "breaker", "prompt");
    static final List<String> ENDPOINT_KEYS = List.of("base_url", "api_key_env");
    static final List<String> EMBEDDED_KEYS = List.of("model", "lora");
    static final List<String> BREAKER_KEYS = List.of("failures", "open_seconds");

    /** The outcome of one load: the definition (null when there are errors) and the problems. */
    record Loaded(AgentDefinition definition, List<Problem> problems) {
        boolean ok() {
            return definition != null;
        }
    }

    private final Path dir;
    private final String shown;
    private final List<Problem> problems = new ArrayList<>();

    private AgentLoader(Path dir) {
        this.dir = dir;
        this.shown = dir.getFileName() + "/" + FILE;
    }

    /** Loads {@code dir/agent.yaml}; {@code budget} is the default budget (the watch command's --budget). */
    static Loaded load(Path dir, int budget) {
        return new AgentLoader(dir.toAbsolutePath().normalize()).read(budget);
    }

    private Loaded read(int defaultBudget) {
        Path file = dir.resolve(FILE);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            error(1, "", "cannot read " + file + ": " + e.getMessage(), "create it (hub triage show prints the built-in one)");
            return new Loaded(null, problems);
        }
        Node root;
        try {
            root = Yaml.parse(text);
        } catch (Yaml.SyntaxError e) {
            error(e.where.line(), "", "invalid YAML: " + e.getMessage(), "fix the syntax");
            return new Loaded(null, problems);
        }
        if (!(root instanceof MapNode map)) {
            error(root == null ? 1 : root.where().line(), "", "the file is empty or not a mapping",
                    "write 'engine: http' and the other fields (see the comments of the shipped file)");
            return new Loaded(null, problems);
        }
        keys(map, "", KEYS);
        AgentDefinition base = AgentDefinition.builtIn(defaultBudget);
        if (map.entries().get("engine") != null && map.entries().get("engine").value() instanceof Scalar s && Boolean.FALSE.equals(s.value())) {
            map.entries().put("engine", new Entry("engine", map.entries().get("engine").keyWhere(), new Scalar(s.where(), "off")));
        } // YAML 1.1 reads a bare 'off' as false
        String engine = choice(map, "engine", List.of(AgentDefinition.HTTP, AgentDefinition.EMBEDDED, AgentDefinition.OFF),
                AgentDefinition.HTTP);
        String model = text(map, "model", base.model());
        String adapter = text(map, "adapter", null);
        String baseUrl = base.baseUrl();
        String apiKeyEnv = null;
        MapNode endpoint = section(map, "endpoint", ENDPOINT_KEYS);
        if (endpoint != null) {
            baseUrl = text(endpoint, "base_url", baseUrl, "endpoint.");
            if (baseUrl != null && !validUrl(baseUrl)) {
                error(endpoint.entries().get("base_url").value().where().line(), "endpoint.base_url", "'" + baseUrl
                        + "' is not an http(s) URL", "e.g. http://127.0.0.1:8080/v1 (llama-server) or http://127.0.0.1:8000/v1 (vLLM)");
            }
            apiKeyEnv = text(endpoint, "api_key_env", null, "endpoint.");
            if (apiKeyEnv != null && !apiKeyEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                error(endpoint.entries().get("api_key_env").value().where().line(), "endpoint.api_key_env", "'" + apiKeyEnv
                        + "' is not an environment variable name", "name the variable that holds the key, e.g. HUB_TRIAGE_API_KEY");
            }
        }
        Path embeddedModel = null;
        Path embeddedLora = null;
        MapNode embedded = section(map, "embedded", EMBEDDED_KEYS);
        if (embedded != null) {
            embeddedModel = file(embedded, "model");
            embeddedLora = file(embedded, "lora");
        }
        if (engine.equals(AgentDefinition.EMBEDDED) && embeddedModel == null && !map.entries().containsKey("embedded")) {
            error(map.entries().get("engine").value().where().line(), "engine", "engine: embedded needs a model file",
                    "add 'embedded: {model: path/to/functiongemma-270m-it.gguf}'");
        }
        long timeout = number(map, "timeout_ms", base.timeout().toMillis(), 10, 120_000, "");
        long budget = number(map, "budget", base.budget(), 1, 100, "");
        long maxCandidates = number(map, "max_candidates", base.maxCandidates(), 1, 64, "");
        double temperature = decimal(map, "temperature", 0, 0, 2);
        String fallback = choice(map, "fallback", List.of("deterministic"), "deterministic");
        long failures = base.breakerFailures();
        long open = base.breakerOpen().toSeconds();
        MapNode breaker = section(map, "breaker", BREAKER_KEYS);
        if (breaker != null) {
            failures = number(breaker, "failures", failures, 1, 1000, "breaker.");
            open = number(breaker, "open_seconds", open, 1, 86_400, "breaker.");
        }
        Path prompt = null;
        String promptName = text(map, "prompt", null);
        if (promptName != null) {
            prompt = dir.resolve(promptName).normalize();
            if (!Files.isRegularFile(prompt)) {
                error(map.entries().get("prompt").value().where().line(), "prompt", "no file " + prompt,
                        "create it next to agent.yaml, or remove the field to use the built-in instruction");
            }
        }
        if (problems.stream().anyMatch(Problem::isError)) {
            return new Loaded(null, problems);
        }
        return new Loaded(new AgentDefinition(engine, model, adapter, baseUrl, apiKeyEnv, Duration.ofMillis(timeout),
                (int) budget, (int) maxCandidates, temperature, fallback, (int) failures, Duration.ofSeconds(open), prompt,
                embeddedModel, embeddedLora, shown), problems);
    }

    private static boolean validUrl(String url) {
        try {
            URI u = URI.create(url);
            return (u.getScheme() != null && (u.getScheme().equals("http") || u.getScheme().equals("https"))) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void keys(MapNode map, String prefix, List<String> known) {
        for (Entry e : map.entries().values()) {
            if (!known.contains(e.key())) {
                String hint = e.key().equals("api_key")
                        ? "never put the key in the file: export it in an environment variable and name that in endpoint.api_key_env"
                        : "known fields: " + String.join(", ", known);
                error(e.keyWhere().line(), prefix + e.key(), "unknown field '" + e.key() + "'", hint);
            }
        }
        if (prefix.isEmpty() && map.entries().containsKey("endpoint")
                && map.entries().get("endpoint").value() instanceof MapNode ep && ep.entries().containsKey("api_key")) {
            error(ep.entries().get("api_key").keyWhere().line(), "endpoint.api_key", "an API key in the file",
                    "never put the key in the file: export it in an environment variable and name that in endpoint.api_key_env");
        }
    }

    private MapNode section(MapNode map, String key, List<String> known) {
        Entry e = map.entries().get(key);
        if (e == null || e.value() instanceof Scalar s && s.value() == null) {
            return null;
        }
        if (!(e.value() instanceof MapNode m)) {
            error(e.value().where().line(), key, "expected a mapping, found " + e.value().describe(),
                    "write '" + key + ":' and its fields indented below (" + String.join(", ", known) + ")");
            return null;
        }
        for (Entry inner : m.entries().values()) {
            if (!known.contains(inner.key()) && !(key.equals("endpoint") && inner.key().equals("api_key"))) {
                error(inner.keyWhere().line(), key + "." + inner.key(), "unknown field '" + inner.key() + "'",
                        "known fields: " + String.join(", ", known));
            }
        }
        return m;
    }

    private String text(MapNode map, String key, String otherwise) {
        return text(map, key, otherwise, "");
    }

    private String text(MapNode map, String key, String otherwise, String prefix) {
        Entry e = map.entries().get(key);
        if (e == null || e.value() instanceof Scalar s && s.value() == null) {
            return otherwise;
        }
        if (e.value() instanceof Scalar s && s.value() instanceof String str && !str.isBlank()) {
            return str.strip();
        }
        error(e.value().where().line(), prefix + key, "expected text, found " + e.value().describe(), "write '" + key + ": VALUE'");
        return otherwise;
    }

    private String choice(MapNode map, String key, List<String> allowed, String otherwise) {
        String value = text(map, key, otherwise);
        if (!allowed.contains(value)) {
            error(map.entries().get(key).value().where().line(), key, "'" + value + "' is not one of " + String.join(", ", allowed),
                    "use one of " + String.join(", ", allowed));
            return otherwise;
        }
        return value;
    }

    private long number(MapNode map, String key, long otherwise, long min, long max, String prefix) {
        Entry e = map.entries().get(key);
        if (e == null) {
            return otherwise;
        }
        if (e.value() instanceof Scalar s && s.value() instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            if (n.longValue() < min || n.longValue() > max) {
                error(s.where().line(), prefix + key, n + " is out of range", "use a whole number from " + min + " to " + max);
                return otherwise;
            }
            return n.longValue();
        }
        error(e.value().where().line(), prefix + key, "expected a whole number, found " + e.value().describe(),
                "use a whole number from " + min + " to " + max);
        return otherwise;
    }

    private double decimal(MapNode map, String key, double otherwise, double min, double max) {
        Entry e = map.entries().get(key);
        if (e == null) {
            return otherwise;
        }
        if (e.value() instanceof Scalar s && s.value() instanceof Number n && n.doubleValue() >= min && n.doubleValue() <= max) {
            return n.doubleValue();
        }
        error(e.value().where().line(), key, "expected a number from " + min + " to " + max + ", found " + e.value().describe(),
                "temperature 0 makes the decision repeatable");
        return otherwise;
    }

    private Path file(MapNode map, String key) {
        String name = text(map, key, null, "embedded.");
        if (name == null) {
            return null;
        }
        Path p = name.startsWith("~/") ? Path.of(System.getProperty("user.home")).resolve(name.substring(2)) : dir.resolve(name);
        p = p.normalize();
        if (!Files.isRegularFile(p)) {
            error(map.entries().get(key).value().where().line(), "embedded." + key, "no file " + p,
                    "download the GGUF file there, fix the path, or use 'engine: http' with a model server");
        }
        return p;
    }

    private void error(int line, String path, String message, String hint) {
        problems.add(new Problem(shown, line, 1, Problem.Severity.ERROR, path, message, hint));
    }
}
