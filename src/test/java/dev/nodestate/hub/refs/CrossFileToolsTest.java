package dev.nodestate.hub.refs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cross-file tools run as tools (tools/*.pym on the shared runtime) on networkx 3.6.1's utils package. */
class CrossFileToolsTest {

    static Path repo;
    static AnalysedRepo r;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void analyseTheCorpus() throws IOException {
        repo = Files.createTempDirectory("hub-refs-tools");
        Path corpus = Path.of("src/test/resources/refs/python/corpus");
        try (Stream<Path> files = Files.walk(corpus)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = repo.resolve(corpus.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        r = new AnalysedRepo(repo).analyse();
    }

    @AfterAll
    static void close() {
        r.close();
    }

    static JsonNode run(String tool, Map<String, Object> inputs) {
        Map<String, JsonNode> in = new java.util.HashMap<>();
        inputs.forEach((k, v) -> in.put(k, JSON.valueToTree(v)));
        return r.host.run(r.tools.get(tool), in, r.externals, null).value();
    }

    @Test
    void findCalleesResolvesSelfCallsNestedClassConstructorsAndStarImportedFunctions() {
        JsonNode table = run("find_callees", Map.of("file_paths", List.of("networkx/utils/heaps.py",
                "networkx/utils/union_find.py"))).path("references").get(0);
        assertEquals("networkx/utils/heaps.py", table.path("file_path").asText());
        assertTrue(table.path("calls").path("PairingHeap.insert").toString().contains("{\"self\":\"PairingHeap\",\"name\":\"_cut\""),
                table.path("calls").path("PairingHeap.insert").toString());
        assertEquals(List.of("networkx/utils/heaps.py::PairingHeap._Node.__init__", "networkx/utils/heaps.py::PairingHeap._cut",
                "networkx/utils/heaps.py::PairingHeap._link", "networkx/utils/heaps.py::PairingHeap._merge_children"),
                r.node("networkx/utils/heaps.py::PairingHeap.insert").callees());
        // groups() comes from `from networkx.utils import groups` -> networkx/utils/__init__.py -> `from .misc import *`
        assertEquals(List.of("networkx/utils/misc.py::groups"), r.node("networkx/utils/union_find.py::UnionFind.to_sets").callees());
    }

    @Test
    void findCallersListsEveryResolvedCallerOfAMethod() {
        JsonNode out = run("find_callers", Map.of("node_id", "networkx/utils/mapped_queue.py::MappedQueue._siftup"));
        List<String> callers = new ArrayList<>();
        out.path("callers").forEach(c -> callers.add(c.asText()));
        assertEquals(List.of("networkx/utils/mapped_queue.py::MappedQueue.pop", "networkx/utils/mapped_queue.py::MappedQueue.remove",
                "networkx/utils/mapped_queue.py::MappedQueue.update",
                "networkx/utils/tests/test_mapped_queue.py::TestMappedQueue.test_siftup_leaf",
                "networkx/utils/tests/test_mapped_queue.py::TestMappedQueue.test_siftup_left_child",
                "networkx/utils/tests/test_mapped_queue.py::TestMappedQueue.test_siftup_multiple",
                "networkx/utils/tests/test_mapped_queue.py::TestMappedQueue.test_siftup_one_child",
                "networkx/utils/tests/test_mapped_queue.py::TestMappedQueue.test_siftup_right_child"), callers);
    }

    @Test
    void findTestsGivesTestIdsWithTheirEvidence() {
        JsonNode out = run("find_tests", Map.of("node_ids", List.of("networkx/utils/misc.py::flatten",
                "networkx/utils/tests/test_misc.py::test_flatten")));
        assertEquals("[\"networkx/utils/tests/test_misc.py::test_flatten\"]",
                out.path("nodes").path("networkx/utils/misc.py::flatten").path("related_tests").toString());
        assertEquals("calls+naming", out.path("report").path("evidence").path("networkx/utils/misc.py::flatten")
                .path("networkx/utils/tests/test_misc.py::test_flatten").asText());
        assertFalse(out.path("nodes").has("networkx/utils/tests/test_misc.py::test_flatten"), "tests are not searched for tests");
        assertEquals(List.of("networkx/utils/tests/test_misc.py::test_flatten"),
                r.node("networkx/utils/misc.py::flatten").relatedTests(), "the cold analysis stored the same");
    }

    @Test
    void scanImportsGivesTheJavaImportsAMemberUses() throws IOException {
        Files.createDirectories(repo.resolve("java"));
        Files.copy(Path.of("target/reference/commons-lang3/org/apache/commons/lang3/CharUtils.java"),
                repo.resolve("java/CharUtils.java"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        JsonNode nodes = run("scan_imports", Map.of("file_paths", List.of("java/CharUtils.java"))).path("nodes");
        assertEquals("[\"import java.util.Objects;\"]", nodes.path("java/CharUtils.java::CharUtils.toChar(Character)").path("imports").toString());
        assertEquals("[]", nodes.path("java/CharUtils.java::CharUtils.isAscii(char)").path("imports").toString());
    }

    @Test
    void scanImportsGivesTheImportsANodeReads() {
        JsonNode nodes = run("scan_imports", Map.of("file_paths", List.of("networkx/utils/misc.py"))).path("nodes");
        assertEquals("[\"from collections.abc import Iterable\",\"from collections.abc import Sized\"]",
                nodes.path("networkx/utils/misc.py::flatten").path("imports").toString());
        assertEquals("[\"from collections import defaultdict\"]", nodes.path("networkx/utils/misc.py::groups").path("imports").toString());
    }

    @Test
    void searchSimilarRanksTheOtherHeapsInsertAmongTheClosestAndLeavesOutItsOwnClass() {
        JsonNode similar = run("search_similar", Map.of("node_id", "networkx/utils/heaps.py::PairingHeap.insert", "k", 5))
                .path("report").path("similar");
        List<String> ids = new ArrayList<>();
        double last = 1.0;
        for (JsonNode s : similar) {
            ids.add(s.path("id").asText());
            assertTrue(s.path("score").asDouble() <= last, "best first: " + similar);
            last = s.path("score").asDouble();
        }
        assertEquals(5, ids.size());
        assertTrue(ids.contains("networkx/utils/heaps.py::BinaryHeap.insert"), ids.toString());
        assertFalse(ids.contains("networkx/utils/heaps.py::PairingHeap"), ids.toString());
        assertEquals(similar, run("search_similar", Map.of("node_id", "networkx/utils/heaps.py::PairingHeap.insert", "k", 5))
                .path("report").path("similar"), "deterministic");
    }

    @Test
    void contextProviderGivesTheHubContextBlobWithFreshnessFromInsideTheSandbox() {
        String id = "networkx/utils/mapped_queue.py::MappedQueue._siftup";
        JsonNode out = run("context_provider", Map.of("node_ids", List.of(id, "networkx/nowhere.py::ghost")));
        JsonNode blob = out.path("contexts").path(id);
        assertEquals(id, blob.path("node_id").asText());
        assertEquals("fresh", blob.path("freshness_status").asText(), blob.toString());
        assertTrue(blob.path("signature").asText().startsWith("def _siftup(self"), blob.toString());
        assertTrue(blob.path("callers").size() > 0, "the reference index's callers: " + blob);
        JsonNode ghost = out.path("contexts").path("networkx/nowhere.py::ghost");
        assertEquals("missing", ghost.path("freshness_status").asText());
        assertTrue(ghost.path("warning").asText().contains("no state"), ghost.toString());
        assertEquals(1, out.path("fresh").asInt());
        assertEquals(1, out.path("missing").asInt());
    }
}
