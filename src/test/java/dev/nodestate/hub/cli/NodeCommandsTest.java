package dev.nodestate.hub.cli;

import static dev.nodestate.hub.cli.CliHarness.hub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.cli.CliHarness.Result;
import dev.nodestate.hub.store.NodeStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeCommandsTest {

    @TempDir
    static Path repo;

    @BeforeAll
    static void indexARepository() throws Exception {
        Files.writeString(repo.resolve("calc.py"), """
                class Calculator:
                    def __init__(self):
                        self.total = 0

                    def add(self, x: int) -> int:
                        \"\"\"Adds x.\"\"\"
                        self.total += x
                        return self.total

                class Printer:
                    def __init__(self, out):
                        self.out = out
                """);
        Result r = hub("index", "--once", "--json", "--tools", Path.of("tools").toAbsolutePath().toString(), repo.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.json().get("files").asInt());
        assertEquals(6, r.json().get("nodes").asInt());
    }

    @Test
    void showAcceptsAnAbbreviatedIdAndPrintsTheSeedFieldsAsJson() throws Exception {
        Result text = hub("show", "add", "--repo", repo.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().startsWith("calc.py::Calculator.add"), text.out());
        assertTrue(text.out().contains("def add(self, x: int) -> int"), text.out());
        JsonNode json = hub("show", "Calculator.add", "--json", "--repo", repo.toString()).json();
        assertEquals("node:calc.py::Calculator.add", json.get("key").asText());
        assertEquals("function", json.get("node_type").asText());
        assertEquals("Adds x.", json.get("docstring").asText());
        assertEquals("cold_start", json.get("update_source").asText());
    }

    @Test
    void anAmbiguousPrefixListsTheCandidatesAndAnUnknownNodeSaysSo() {
        Result ambiguous = hub("show", "__init__", "--repo", repo.toString());
        assertEquals(2, ambiguous.code());
        assertTrue(ambiguous.err().contains("calc.py::Calculator.__init__") && ambiguous.err().contains("calc.py::Printer.__init__"),
                ambiguous.err());
        Result unknown = hub("show", "nothing_like_this", "--repo", repo.toString());
        assertEquals(3, unknown.code());
        assertTrue(unknown.err().contains("no node matches 'nothing_like_this'"), unknown.err());
        Result path = hub("show", "--repo", repo.toString(), "/tmp/not-an-id");
        assertEquals(3, path.code(), "an absolute path is no node id, and no internal error: " + path.err());
        assertTrue(path.err().contains("--repo PATH"), path.err());
    }

    @Test
    void findMatchesIdsCaseInsensitivelyWithWildcards() throws Exception {
        JsonNode found = hub("find", "calculator.*", "--json", "--repo", repo.toString()).json();
        assertEquals(2, found.size());
        assertEquals("calc.py::Calculator.__init__", found.get(0).get("id").asText());
        assertEquals("calc.py::Calculator.add", found.get(1).get("id").asText());
        assertEquals(3, hub("find", "calculator", "--json", "--repo", repo.toString()).json().size());
        assertEquals(3, hub("find", "zzz", "--repo", repo.toString()).code());
    }

    @Test
    void indexingAStoreThatIsAlreadyOpenIsRefusedWithAClearMessage() {
        // another process holding the lock is covered by NodeStoreProcessTest; here the holder is this JVM
        try (NodeStore held = NodeStore.open(repo)) {
            Result r = hub("index", "--once", repo.toString());
            assertEquals(6, r.code());
            assertTrue(r.err().startsWith("hub: the node store at"), r.err());
            assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());
        }
    }
}
