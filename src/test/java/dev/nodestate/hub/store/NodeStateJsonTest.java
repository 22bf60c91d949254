package dev.nodestate.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NodeStateJsonTest {

    static NodeState full() {
        return Fixtures.node("pkg/mod.py", "Foo.bar", "fh").with(Map.ofEntries(
                Map.entry("signature", "def bar(self, x: int) -> str"),
                Map.entry("docstring", "Bars."),
                Map.entry("imports", List.of("os")),
                Map.entry("decorators", List.of("@cached")),
                Map.entry("callers", List.of("pkg/b.py::run")),
                Map.entry("callees", List.of()),
                Map.entry("related_tests", List.of("tests/test_mod.py::test_bar")),
                Map.entry("line_count", 12),
                Map.entry("complexity", 3),
                Map.entry("docstring_outdated", true),
                Map.entry("has_type_hints", false),
                Map.entry("language", "python"),
                Map.entry("start_line", 10),
                Map.entry("end_line", 21),
                Map.entry("parent", "pkg/mod.py::Foo")))
                .withMark("signature", "extract_signatures", Fixtures.T0)
                .withMark("complexity", "compute_complexity", Instant.parse("2026-11-23T12:00:01.250Z"));
    }

    @Test
    void theWireFormUsesTheSeedsSnakeCaseNamesAndValues() throws Exception {
        JsonNode json = Codec.MAPPER.readTree(full().toJson());
        Set<String> names = new TreeSet<>();
        json.fieldNames().forEachRemaining(names::add);
        assertEquals(new TreeSet<>(List.of("key", "file_path", "node_name", "node_type", "source_hash", "file_hash",
                "signature", "docstring", "imports", "decorators", "callers", "callees", "related_tests", "line_count",
                "complexity", "docstring_outdated", "has_type_hints", "last_updated", "update_source", "language",
                "start_line", "end_line", "parent", "updates")), names);
        assertEquals("node:pkg/mod.py::Foo.bar", json.get("key").asText());
        assertEquals("function", json.get("node_type").asText());
        assertEquals("file_change", json.get("update_source").asText());
        assertEquals("2026-11-23T12:00:00Z", json.get("last_updated").asText());
        assertEquals("compute_complexity", json.at("/updates/complexity/tool").asText());
        assertEquals("2026-11-23T12:00:01.250Z", json.at("/updates/complexity/at").asText());
    }

    @Test
    void aStateSurvivesAJsonRoundTrip() {
        NodeState state = full();
        assertEquals(state, NodeState.fromJson(state.toJson()));
        NodeState bare = Fixtures.module("pkg/mod.py", "fh");
        assertEquals(bare, NodeState.fromJson(bare.toJson()));
    }

    @Test
    void notYetComputedListsStayNullWhileComputedEmptyListsStayEmpty() {
        NodeState bare = NodeState.fromJson(Fixtures.module("a.py", "h").toJson());
        assertNull(bare.callers());
        assertEquals(List.of(), bare.imports());
        assertEquals(List.of(), NodeState.fromJson(full().toJson()).callees());
    }

    @Test
    void pydanticStyleJsonWithAnOffsetAndUnknownFieldsIsRead() {
        String json = """
                {"key": "node:a.py::f", "file_path": "a.py", "node_name": "f", "node_type": "function",
                 "source_hash": "s", "file_hash": "h", "signature": null, "docstring": null, "imports": [],
                 "decorators": [], "callers": null, "callees": null, "related_tests": null, "line_count": null,
                 "complexity": null, "docstring_outdated": false, "has_type_hints": true,
                 "last_updated": "2026-11-23T13:00:00+01:00", "update_source": "cold_start", "extra": 1}
                """;
        NodeState state = NodeState.fromJson(json);
        assertEquals(Fixtures.T0, state.lastUpdated());
        assertEquals(NodeState.Source.COLD_START, state.updateSource());
        assertTrue(state.hasTypeHints());
        assertEquals(Map.of(), state.updates());
    }

    @Test
    void aNodeTypeOutsideTheSeedsValuesIsRefused() {
        String json = full().toJson().replace("\"function\"", "\"method\"");
        var e = assertThrows(IllegalArgumentException.class, () -> NodeState.fromJson(json));
        assertTrue(e.getMessage().contains("method"), e.getMessage());
    }

    @Test
    void aFilePathThatDisagreesWithTheKeyIsRefusedNamingBoth() {
        var e = assertThrows(IllegalArgumentException.class, () -> new NodeState("node:a.py::f", "/abs/a.py", "f",
                NodeState.Type.FUNCTION, "s", "h", null, null, null, null, null, null, null, null, null, false, true,
                Fixtures.T0, NodeState.Source.MANUAL, null, null, null, null, null));
        assertTrue(e.getMessage().contains("/abs/a.py") && e.getMessage().contains("'a.py'"), e.getMessage());
    }

    @Test
    void withReplacesNamedFieldsAndRefusesUnknownNamesOrKeyChanges() {
        NodeState state = Fixtures.node("a.py", "f", "h");
        NodeState changed = state.with(Map.of("complexity", 7, "last_updated", "2026-11-24T00:00:00Z"));
        assertEquals(7, changed.complexity());
        assertEquals(Instant.parse("2026-11-24T00:00:00Z"), changed.lastUpdated());
        var unknown = assertThrows(IllegalArgumentException.class, () -> state.with(Map.of("complexty", 1)));
        assertTrue(unknown.getMessage().contains("'complexty'") && unknown.getMessage().contains("complexity"));
        assertThrows(IllegalArgumentException.class, () -> state.with(Map.of("key", "node:b.py::f")));
        var badValue = assertThrows(IllegalArgumentException.class, () -> state.with(Map.of("line_count", "many")));
        assertTrue(badValue.getMessage().contains("line_count"), badValue.getMessage());
    }

    @Test
    void withMarkKeepsTheOtherMarks() {
        NodeState state = full().withMark("callers", "find_callers", Fixtures.T0);
        assertEquals(Set.of("signature", "complexity", "callers"), state.updates().keySet());
        assertFalse(state.updates().get("signature").tool().isEmpty());
    }

    @Test
    void fileIndexAndHubStatusUseSnakeCaseAndRoundTrip() throws Exception {
        FileIndex index = new FileIndex("pkg/mod.py", "fh", 3, Fixtures.T0, "line 4: invalid syntax");
        JsonNode json = Codec.MAPPER.readTree(index.toJson());
        assertEquals(3, json.get("node_count").asInt());
        assertEquals("2026-11-23T12:00:00Z", json.get("last_scanned").asText());
        assertEquals("line 4: invalid syntax", json.get("error").asText());
        assertEquals(index, FileIndex.fromJson(index.toJson()));

        HubStatus status = new HubStatus(true, "/repo", 2, 30, 12.5, null);
        JsonNode s = Codec.MAPPER.readTree(status.toJson());
        assertEquals(30, s.get("indexed_nodes").asInt());
        assertEquals(12.5, s.get("uptime_seconds").asDouble());
        assertTrue(s.get("last_update").isNull());
        assertTrue(s.has("root_path") && s.has("indexed_files"));
        assertEquals(status, HubStatus.fromJson(status.toJson()));
    }
}
