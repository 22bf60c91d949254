package dev.nodestate.hub.triage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.nodestate.hub.HubException;
import dev.nodestate.hub.diff.DiffBundle;
import dev.nodestate.hub.rules.Candidate;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One change as {@code .agentfs/traces/updates.jsonl} recorded it: the diff bundle, the candidates, who decided,
 * and per tool that ran whether it changed stored state ({@code true}/{@code false}; absent: not known).
 */
record RecordedChange(Instant at, DiffBundle change, List<Candidate> candidates, String decidedBy,
                      Map<String, Boolean> changedByTool) {

    static final ObjectMapper MAPPER = JsonMapper.builder().addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** Whether running {@code tool} for this change was useful: it ran and changed stored state. */
    boolean useful(String tool) {
        return Boolean.TRUE.equals(changedByTool.get(tool));
    }

    /** The changes of a trace file with candidates, oldest first, since {@code since} (null: all); bad lines go to {@code warn}. */
    static List<RecordedChange> read(Path file, Instant since, Consumer<String> warn) {
        if (!Files.isRegularFile(file)) {
            throw new HubException(HubException.ExitCode.NOT_FOUND, "no trace file " + file
                    + "; run `hub watch` on the repository first (it records every change there)");
        }
        List<RecordedChange> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode e = MAPPER.readTree(line);
                    if (!e.hasNonNull("change") || !e.path("candidates").isArray() || e.path("candidates").isEmpty()) {
                        continue;
                    }
                    Instant at = e.hasNonNull("at") ? Instant.parse(e.get("at").asText()) : null;
                    if (since != null && at != null && at.isBefore(since)) {
                        continue;
                    }
                    List<Candidate> candidates = new ArrayList<>();
                    for (JsonNode c : e.get("candidates")) {
                        candidates.add(MAPPER.treeToValue(c, Candidate.class));
                    }
                    Map<String, Boolean> changed = new LinkedHashMap<>();
                    for (JsonNode run : e.path("tools_run")) {
                        JsonNode ch = run.get("changed");
                        if (ch != null && ch.isBoolean()) {
                            changed.merge(run.path("tool").asText(), ch.asBoolean(), Boolean::logicalOr);
                        }
                    }
                    out.add(new RecordedChange(at, MAPPER.treeToValue(e.get("change"), DiffBundle.class), candidates,
                            e.path("decision").path("triage").asText(""), changed));
                } catch (IOException | RuntimeException ex) {
                    warn.accept(file + ":" + n + ": skipped: not an update trace entry (" + FunctionGemma.abbreviate(
                            String.valueOf(ex.getMessage())) + ")");
                }
            }
        } catch (IOException e) {
            throw new HubException(HubException.ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }
}
