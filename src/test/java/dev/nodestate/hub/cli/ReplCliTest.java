package dev.nodestate.hub.cli;

import static dev.nodestate.hub.cli.CliHarness.hub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.cli.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REPL's commands one-shot from the shell (`hub callers X`), on a repository indexed by the real tools. */
class ReplCliTest {

    @TempDir
    static Path repo;

    @BeforeAll
    static void indexARepository() throws Exception {
        Files.writeString(repo.resolve("calc.py"), """
                class Calculator:
                    def add(self, x: int) -> int:
                        \"\"\"Adds x.\"\"\"
                        return x

                def _helper():
                    return 1
                """);
        Files.writeString(repo.resolve("use.py"), """
                from calc import Calculator


                def total():
                    return Calculator().add(1) + mystery()
                """);
        Result r = hub("index", "--once", "--json", "--tools", Path.of("tools").toAbsolutePath().toString(), repo.toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void callersCalleesAndTestsComeFromTheCrossFileAnalysisOfTheIndex() {
        Result callers = hub("callers", "add", "--repo", repo.toString());
        assertEquals(0, callers.code(), callers.err());
        assertTrue(callers.out().startsWith("callers of calc.py::Calculator.add") && callers.out().contains("use.py::total"),
                callers.out());
        Result callees = hub("callees", "total", "--repo", repo.toString(), "--json");
        assertTrue(callees.out().contains("calc.py::Calculator.add"), callees.out());
        Result text = hub("callees", "total", "--repo", repo.toString());
        assertTrue(text.out().contains("unresolved (1): mystery"), "calls the hub could not resolve are shown as text: " + text.out());
        Result tests = hub("tests", "Calculator.add", "--repo", repo.toString(), "--json");
        assertTrue(tests.out().contains("\"tests\":[]"), "computed, and there are none: " + tests.out());
    }

    @Test
    void anUnknownOrAmbiguousNodeExitsWithTheShowCommandsCodes() {
        Result unknown = hub("callees", "nosuch", "--repo", repo.toString());
        assertEquals(3, unknown.code());
        assertEquals("hub: no node matches 'nosuch'; try `hub find nosuch`\n", unknown.err());
        Result ambiguous = hub("context", "a", "--repo", repo.toString());
        assertEquals(2, ambiguous.code(), ambiguous.err());
        assertTrue(ambiguous.err().contains("'a' is ambiguous"), ambiguous.err());
    }

    @Test
    void contextSaysWhetherTheStoredFactsAreFresh() throws Exception {
        Result r = hub("context", "add", "--repo", repo.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode blob = Json.MAPPER.readTree(r.out());
        assertEquals("fresh", blob.path("freshness_status").asText());
        assertEquals("def add(self, x: int) -> int", blob.path("signature").asText());
    }

    @Test
    void impactSaysWhetherTheModuleExportsTheNode() {
        Result add = hub("impact", "Calculator.add", "--repo", repo.toString());
        assertEquals(0, add.code(), add.err());
        assertTrue(add.out().startsWith("impact of changing calc.py::Calculator.add\n"), add.out());
        assertTrue(add.out().contains("  exports: class calc.py::Calculator"), add.out());
        assertTrue(add.out().contains("    ok     use.py:5  return Calculator().add(1) + mystery()"), add.out());
        Result helper = hub("impact", "_helper", "--repo", repo.toString());
        assertEquals(2, helper.code(), helper.out());
        assertTrue(helper.err().contains("private"), helper.err());
    }

    @Test
    void runGivesTheNodesFileToATool() throws Exception {
        Result r = hub("run", "list_exports", "Calculator", "--repo", repo.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = Json.MAPPER.readTree(r.out());
        assertTrue(doc.path("ok").asBoolean());
        assertTrue(doc.path("result").toString().contains("calc.py::Calculator.add"), r.out());
        Result bad = hub("run", "list_exports", "nosuch_input=1", "--repo", repo.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("hub: tool list_exports has no input 'nosuch_input'; its inputs: file_paths"), bad.err());
    }

    @Test
    void traceWithoutAWatchingHubSaysWhereTracesComeFrom() {
        Result r = hub("trace", "--repo", repo.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("no update traces in "), r.out());
    }

    @Test
    void hubWithoutArgumentsAndWithoutATerminalPrintsTheUsage() {
        Result r = hub();
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("repl") && r.out().contains("callers"), r.out());
    }
}
