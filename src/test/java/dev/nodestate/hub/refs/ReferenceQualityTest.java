package dev.nodestate.hub.refs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.store.NodeState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Precision and recall of callers, callees and related tests against hand-labelled sets from real
 * code not written here (src/test/resources/refs/{python,java}/labels.json: networkx 3.6.1's utils,
 * commons-lang3 3.17.0's text.translate; see their "source" and "notes"). Micro-averaged over the
 * labelled nodes; for callers, the issue's bars: Java P ≥ 0.9 / R ≥ 0.8, Python ≥ 0.85 / 0.7.
 */
class ReferenceQualityTest {

    record Score(int truePositives, int predicted, int expected) {
        double precision() {
            return predicted == 0 ? 1.0 : (double) truePositives / predicted;
        }

        double recall() {
            return expected == 0 ? 1.0 : (double) truePositives / expected;
        }

        @Override
        public String toString() {
            return String.format("P %.3f R %.3f (%d found, %d right, %d labelled)", precision(), recall(), predicted,
                    truePositives, expected);
        }
    }

    @Test
    void pythonCallersMeetTheBarOnNetworkxUtils(@TempDir Path repo) throws IOException {
        Map<String, Score> scores = evaluate("python", repo);
        assertTrue(scores.get("callers").precision() >= 0.85, "Python callers precision " + scores.get("callers"));
        assertTrue(scores.get("callers").recall() >= 0.7, "Python callers recall " + scores.get("callers"));
    }

    @Test
    void javaCallersMeetTheBarOnCommonsLangTextTranslate(@TempDir Path repo) throws IOException {
        Map<String, Score> scores = evaluate("java", repo);
        assertTrue(scores.get("callers").precision() >= 0.9, "Java callers precision " + scores.get("callers"));
        assertTrue(scores.get("callers").recall() >= 0.8, "Java callers recall " + scores.get("callers"));
    }

    static Map<String, Score> evaluate(String language, Path repo) throws IOException {
        Path dir = Path.of("src/test/resources/refs", language);
        JsonNode labels = new ObjectMapper().readTree(dir.resolve("labels.json").toFile());
        for (JsonNode f : labels.path("files")) {
            String from = f.path("from").asText();
            Path source = language.equals("python") ? dir.resolve(from) : Path.of("target/reference").resolve(from);
            Path target = repo.resolve(f.path("to").asText());
            Files.createDirectories(target.getParent());
            Files.copy(source, target);
        }
        Map<String, Score> scores = new TreeMap<>();
        try (AnalysedRepo r = new AnalysedRepo(repo).analyse()) {
            scores.put("callees", score(r, labels.path("callees"), "caller", "callees", NodeState::callees));
            scores.put("callers", score(r, labels.path("callers"), "callee", "callers", NodeState::callers));
            scores.put("tests", score(r, labels.path("tests"), "function", "tests", NodeState::relatedTests));
            System.out.printf("reference quality, %s (%s): callers %s; callees %s; tests %s; resolution %s%n", language,
                    labels.path("source").asText().split(" \\(")[0], scores.get("callers"),
                    scores.get("callees"), scores.get("tests"), r.summary.resolution());
        }
        return scores;
    }

    /** Micro-averaged over labelled nodes: predictions count only for nodes that were labelled. */
    private static Score score(AnalysedRepo r, JsonNode entries, String key, String listKey,
            Function<NodeState, List<String>> field) {
        int tp = 0;
        int predicted = 0;
        int expected = 0;
        for (JsonNode e : entries) {
            Set<String> truth = new HashSet<>();
            e.path(listKey).forEach(v -> truth.add(v.asText()));
            List<String> got = field.apply(r.node(e.path(key).asText()));
            Set<String> found = got == null ? Set.of() : new HashSet<>(got);
            for (String id : found) {
                if (truth.contains(id)) {
                    tp++;
                } else {
                    System.out.printf("  extra    %s %s: %s%n", listKey, e.path(key).asText(), id);
                }
            }
            truth.stream().filter(t -> !found.contains(t))
                    .forEach(t -> System.out.printf("  missing  %s %s: %s%n", listKey, e.path(key).asText(), t));
            predicted += found.size();
            expected += truth.size();
        }
        return new Score(tp, predicted, expected);
    }
}
