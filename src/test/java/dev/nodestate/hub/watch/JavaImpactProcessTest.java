package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Demo 2 for Java on real code (commons-lang3's {@code CharRange} and {@code CharSet}, from the sources the build
 * fetches into target/reference/): under {@code hub watch} {@code CharRange.isIn(char, char)} gains a required
 * parameter; the node's id changes with its types and CharSet's call no longer resolves to it, yet the impact page
 * names that call (the callers stored before the change) with its file:line and text and flags it by arity; the
 * package-private CharRange is not exported and the page says so. Then the public {@code CharSet.contains(char)} is
 * re-typed: exported by its class under the new id.
 */
class JavaImpactProcessTest {

    private static final Path SOURCES = Path.of("target/reference/commons-lang3/org/apache/commons/lang3");
    private static final String DIR = "src/main/java/org/apache/commons/lang3/";
    private static final String NODE = DIR + "CharRange.java::CharRange.isIn(char,char,boolean)";

    @TempDir
    Path repo;

    @Test
    void aRequiredParameterAddedToAPublicJavaMethodFlagsItsCallerByArity() throws Exception {
        assumeTrue(Files.isRegularFile(SOURCES.resolve("CharRange.java")), "commons-lang3 sources are fetched by the build");
        Files.createDirectories(repo.resolve(DIR));
        for (String f : List.of("CharRange.java", "CharSet.java")) {
            Files.copy(SOURCES.resolve(f), repo.resolve(DIR + f));
        }
        Path range = repo.resolve(DIR + "CharRange.java");
        String real = Files.readString(range);
        String from = "public static CharRange isIn(final char start, final char end) {\n        return new CharRange(start, end, false);";
        assertTrue(real.contains(from), "CharRange.isIn is as this test expects it");
        List<String> charSet = Files.readAllLines(repo.resolve(DIR + "CharSet.java"));
        int line = 0;
        for (int i = 0; i < charSet.size(); i++) {
            if (charSet.get(i).contains("CharRange.isIn(")) {
                line = i + 1;
            }
        }
        try (HubProcess hub = HubProcess.start("watch", "--json", "--quiet-ms", "100", repo.toString())) {
            hub.await("the cold start", e -> e.path("event").asText().equals("indexed"), Duration.ofSeconds(180));
            // the cross-file analysis runs after the cold start: the change must find CharSet's call already resolved
            long ready = System.nanoTime() + 120_000_000_000L;
            String callers = "";
            while (!callers.contains("CharSet.java::CharSet.add(String)") && System.nanoTime() < ready) {
                try (dev.nodestate.hub.serve.HubClient client = new dev.nodestate.hub.serve.HubClient(
                        dev.nodestate.hub.serve.HubClient.forRepo(repo).socket(), Duration.ofSeconds(5))) {
                    callers = client.request(java.util.Map.of("type", "callers", "node_id", DIR + "CharRange.java::CharRange.isIn(char,char)"))
                            .map(Object::toString).orElse("");
                }
                Thread.sleep(200);
            }
            assertTrue(callers.contains("CharSet.java::CharSet.add(String)"), "CharSet.add calls isIn before the change: " + callers);
            Files.writeString(range, real.replace(from, "public static CharRange isIn(final char start, final char end, final boolean negated) {\n"
                    + "        return new CharRange(start, end, negated);"));
            Path json = repo.resolve(".agentfs/impact/" + DIR + "CharRange.java/CharRange.isIn(char,char,boolean).json");
            hub.awaitFile(json, "impact page", Duration.ofSeconds(180));
            JsonNode report = new ObjectMapper().readTree(json.toFile());
            assertEquals(NODE, report.path("node_id").asText());
            assertEquals(DIR + "CharRange.java::CharRange.isIn(char,char)", report.path("previous_id").asText());
            assertEquals(1, report.path("call_sites").size(), report.toString());
            JsonNode site = report.path("call_sites").get(0);
            assertEquals(DIR + "CharSet.java", site.path("file").asText());
            assertEquals(line, site.path("line").asInt());
            assertEquals(charSet.get(line - 1).strip(), site.path("text").asText());
            assertEquals("broken", site.path("status").asText());
            assertEquals("passes 2 arguments, `isIn(char start, char end, boolean negated)` takes 3 (negated added)",
                    site.path("reason").asText());
            // CharRange is package-private in commons-lang3: its public isIn is not part of the public API, and the page says why
            assertEquals(0, report.path("exports").size(), report.toString());
            assertEquals("CharRange is package-private", report.path("not_exported").asText(), report.toString());
            String page = Files.readString(repo.resolve(".agentfs/impact/" + DIR + "CharRange.java/CharRange.isIn(char,char,boolean).md"));
            assertTrue(page.contains("(not exported: CharRange is package-private, per list_exports)"), page);

            // a public method of the public CharSet re-typed: exported by its class under the new id
            Path set = repo.resolve(DIR + "CharSet.java");
            String setText = Files.readString(set);
            String contains = "public boolean contains(final char ch) {";
            assertTrue(setText.contains(contains), "CharSet.contains is as this test expects it");
            Files.writeString(set, setText.replace(contains, "public boolean contains(final char ch, final boolean strict) {"));
            Path exported = repo.resolve(".agentfs/impact/" + DIR + "CharSet.java/CharSet.contains(char,boolean).json");
            hub.awaitFile(exported, "impact page for CharSet.contains", Duration.ofSeconds(180));
            JsonNode setReport = new ObjectMapper().readTree(exported.toFile());
            assertEquals(1, setReport.path("exports").size(), setReport.toString());
            assertEquals("class " + DIR + "CharSet.java::CharSet", setReport.path("exports").get(0).path("via").asText(), setReport.toString());
            assertTrue(setReport.path("not_exported").isNull(), setReport.toString());
            int exit = hub.terminate();
            assertTrue(exit == 0 || exit == 143, "exit " + exit + "\n" + hub.stderr());
        }
    }
}
