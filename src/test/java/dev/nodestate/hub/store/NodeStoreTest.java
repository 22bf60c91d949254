package dev.nodestate.hub.store;

import static dev.nodestate.hub.store.Fixtures.fileNodes;
import static dev.nodestate.hub.store.Fixtures.index;
import static dev.nodestate.hub.store.Fixtures.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.HubException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeStoreTest {

    @TempDir
    Path repo;
    NodeStore store;

    @BeforeEach
    void open() {
        store = NodeStore.open(repo);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theStoreLivesUnderAgentfsHubState() throws Exception {
        assertEquals(repo.resolve(".agentfs/hub_state").toRealPath(), store.directory());
        assertFalse(store.isReadOnly());
    }

    @Test
    void openingTheStoreWritesAGitignoreSoGitLeavesAgentfsOut() throws Exception {
        assertTrue(Files.readString(repo.resolve(".agentfs/.gitignore")).lines().anyMatch(l -> l.equals("*")));
        store.close();
        Files.writeString(repo.resolve(".agentfs/.gitignore"), "mine\n");
        store = NodeStore.open(repo);
        assertEquals("mine\n", Files.readString(repo.resolve(".agentfs/.gitignore")), "an existing .gitignore is the user's");
    }

    @Test
    void aSetNodeCanBeReadBackAndAMissingOneIsEmpty() {
        NodeState state = NodeStateJsonTest.full();
        store.set(state);
        assertEquals(Optional.of(state), store.get("pkg/mod.py::Foo.bar"));
        assertEquals(Optional.empty(), store.get("pkg/mod.py::Foo.baz"));
    }

    @Test
    void getManyReturnsFoundNodesInTheOrderAsked() {
        store.set(node("a.py", "f", "h"));
        store.set(node("b.py", "g", "h"));
        Map<String, NodeState> found = store.getMany(List.of("b.py::g", "nope.py::x", "a.py::f"));
        assertEquals(List.of("b.py::g", "a.py::f"), List.copyOf(found.keySet()));
    }

    @Test
    void setReplacesAnExistingNodeWithoutDuplicatingItInItsFile() {
        store.set(node("a.py", "f", "h1"));
        store.set(node("a.py", "f", "h2"));
        assertEquals(1, store.byFile("a.py").size());
        assertEquals("h2", store.get("a.py::f").orElseThrow().fileHash());
        assertEquals(new NodeStore.Stats(1, 0), store.stats());
    }

    @Test
    void updateWithFieldNamesChangesOnlyThoseFields() {
        store.set(node("a.py", "C.f", "h"));
        NodeState updated = store.update("a.py::C.f", Map.of("complexity", 4, "callers", List.of("b.py::g")))
                .orElseThrow();
        assertEquals(4, updated.complexity());
        assertEquals(List.of("b.py::g"), updated.callers());
        assertEquals(updated, store.get("a.py::C.f").orElseThrow());
        assertEquals("src-C.f", updated.sourceHash());
    }

    @Test
    void updateWithAFunctionCanRecordWhichToolSetTheField() {
        store.set(node("a.py", "f", "h"));
        store.update("a.py::f", s -> s.with(Map.of("complexity", 2)).withMark("complexity", "cc", Fixtures.T0));
        NodeState stored = store.get("a.py::f").orElseThrow();
        assertEquals("cc", stored.updates().get("complexity").tool());
    }

    @Test
    void updateOfAMissingNodeWritesNothingAndReturnsEmpty() {
        assertEquals(Optional.empty(), store.update("a.py::f", Map.of("complexity", 1)));
        assertEquals(0, store.stats().nodes());
    }

    @Test
    void anUpdateThatChangesTheKeyIsRefusedAndLeavesTheNode() {
        NodeState original = node("a.py", "f", "h");
        store.set(original);
        var e = assertThrows(IllegalArgumentException.class, () -> store.update("a.py::f", s -> node("a.py", "g", "h")));
        assertTrue(e.getMessage().contains("node:a.py::g"), e.getMessage());
        assertEquals(Optional.of(original), store.get("a.py::f"));
    }

    @Test
    void deleteRemovesTheNodeFromItsFileAndTheCounts() {
        store.replaceFile(index("a.py", "h", 3), fileNodes("a.py", 2, "h"));
        assertTrue(store.delete("a.py::C.f0"));
        assertFalse(store.delete("a.py::C.f0"));
        assertEquals(List.of("a.py", "a.py::C.f1"), ids(store.byFile("a.py")));
        assertEquals(2, store.getFileIndex("a.py").orElseThrow().nodeCount());
        assertEquals(new NodeStore.Stats(2, 1), store.stats());
    }

    @Test
    void byFileAndInvalidateFileFindExactlyOneFilesNodesAmongMany() {
        for (int f = 0; f < 300; f++) {
            String file = "pkg/sub" + (f % 7) + "/m" + f + ".py";
            store.replaceFile(index(file, "h" + f, 0), fileNodes(file, f % 9, "h" + f));
        }
        // a file whose name is a prefix of another's must not see the other's nodes
        assertEquals(List.of("pkg/sub2/m9.py"), ids(store.byFile("pkg/sub2/m9.py"))); // not m93.py's
        assertEquals(1 + 120 % 9, store.byFile("pkg/sub1/m120.py").size());
        assertEquals(List.of(), store.byFile("pkg/none.py"));

        long before = store.stats().nodes();
        List<String> removed = store.invalidateFile("pkg/sub1/m127.py");
        assertEquals(ids(fileNodes("pkg/sub1/m127.py", 127 % 9, "x")), removed);
        assertEquals(List.of(), store.byFile("pkg/sub1/m127.py"));
        assertEquals(Optional.empty(), store.getFileIndex("pkg/sub1/m127.py"));
        assertEquals(new NodeStore.Stats(before - removed.size(), 299), store.stats());
        assertEquals(1 + 128 % 9, store.byFile("pkg/sub2/m128.py").size());
        assertEquals(List.of(), store.invalidateFile("pkg/sub1/m127.py"));
    }

    @Test
    void replaceFileAddsChangesAndRemovesNodesAndReportsWhich() {
        store.replaceFile(index("a.py", "h1", 3), fileNodes("a.py", 2, "h1"));
        List<NodeState> next = new ArrayList<>(fileNodes("a.py", 1, "h1"));
        next.set(1, next.get(1).with(Map.of("complexity", 9)));
        next.add(node("a.py", "C.g", "h1"));
        NodeStore.Replaced r = store.replaceFile(index("a.py", "h2", 3), next);
        assertEquals(List.of("a.py::C.g"), r.added());
        assertEquals(List.of("a.py::C.f0"), r.changed());
        assertEquals(List.of("a.py::C.f1"), r.removed());
        assertEquals(List.of("a.py", "a.py::C.f0", "a.py::C.g"), ids(store.byFile("a.py")));
        assertEquals("h2", store.getFileIndex("a.py").orElseThrow().fileHash());
        assertEquals(new NodeStore.Stats(3, 1), store.stats());
    }

    @Test
    void replaceFileSetsNodeCountFromTheNodesGiven() {
        store.replaceFile(index("a.py", "h", 99), fileNodes("a.py", 4, "h"));
        assertEquals(5, store.getFileIndex("a.py").orElseThrow().nodeCount());
    }

    @Test
    void replaceFileRefusesNodesOfAnotherFileOrTwiceTheSameNodeAndWritesNothing() {
        var other = assertThrows(IllegalArgumentException.class,
                () -> store.replaceFile(index("a.py", "h", 1), List.of(node("b.py", "f", "h"))));
        assertTrue(other.getMessage().contains("node:b.py::f"), other.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> store.replaceFile(index("a.py", "h", 2), List.of(node("a.py", "f", "h"), node("a.py", "f", "h"))));
        assertEquals(new NodeStore.Stats(0, 0), store.stats());
    }

    @Test
    void statsCountNodesAndIndexedFilesThroughEveryKindOfChange() {
        store.replaceFile(index("a.py", "h", 0), fileNodes("a.py", 4, "h"));
        store.replaceFile(index("b.py", "h", 0), fileNodes("b.py", 2, "h"));
        assertEquals(new NodeStore.Stats(8, 2), store.stats());
        store.replaceFile(index("a.py", "h", 0), fileNodes("a.py", 1, "h"));
        assertEquals(new NodeStore.Stats(5, 2), store.stats());
        store.delete("b.py::C.f0");
        assertEquals(new NodeStore.Stats(4, 2), store.stats());
        store.set(node("c.py", "f", "h"));
        assertEquals(new NodeStore.Stats(5, 2), store.stats());
        store.invalidateFile("a.py");
        assertEquals(new NodeStore.Stats(3, 1), store.stats());
        store.removeFileIndex("b.py");
        assertEquals(new NodeStore.Stats(3, 0), store.stats());
    }

    @Test
    void theFileIndexCanBeSetReadListedAndRemoved() {
        store.set(node("b.py", "f", "h"));
        store.setFileIndex(new FileIndex("b.py", "h", 0, Fixtures.T0, "line 3: invalid syntax"));
        store.setFileIndex(index("a.py", "h", 0));
        FileIndex b = store.getFileIndex("b.py").orElseThrow();
        assertEquals(1, b.nodeCount());
        assertEquals("line 3: invalid syntax", b.error());
        assertEquals(List.of("a.py", "b.py"), store.allIndexedFiles());
        assertTrue(store.removeFileIndex("a.py"));
        assertFalse(store.removeFileIndex("a.py"));
        assertEquals(List.of("b.py"), store.allIndexedFiles());
        assertEquals(1, store.byFile("b.py").size());
    }

    @Test
    void setAndDeleteKeepAnIndexedFilesNodeCount() {
        store.replaceFile(index("a.py", "h", 0), fileNodes("a.py", 1, "h"));
        store.set(node("a.py", "g", "h"));
        assertEquals(3, store.getFileIndex("a.py").orElseThrow().nodeCount());
        store.delete("a.py");
        assertEquals(2, store.getFileIndex("a.py").orElseThrow().nodeCount());
    }

    @Test
    void gcOrphansForgetsFilesThatNoLongerExistWithAllTheirNodes() {
        store.replaceFile(index("keep.py", "h", 0), fileNodes("keep.py", 2, "h"));
        store.replaceFile(index("gone.py", "h", 0), fileNodes("gone.py", 3, "h"));
        store.set(node("unindexed_gone.py", "f", "h"));
        NodeStore.Orphans orphans = store.gcOrphans(Set.of("keep.py")::contains);
        assertEquals(List.of("gone.py", "unindexed_gone.py"), orphans.files());
        assertEquals(5, orphans.nodeIds().size());
        assertEquals(new NodeStore.Stats(3, 1), store.stats());
        assertEquals(List.of("keep.py"), store.allIndexedFiles());
        assertEquals(new NodeStore.Orphans(List.of(), List.of()), store.gcOrphans(f -> true));
    }

    @Test
    void gcOrphansCanAskTheFileSystem() throws Exception {
        Files.writeString(repo.resolve("here.py"), "x = 1\n");
        store.replaceFile(index("here.py", "h", 0), fileNodes("here.py", 0, "h"));
        store.replaceFile(index("deleted.py", "h", 0), fileNodes("deleted.py", 0, "h"));
        assertEquals(List.of("deleted.py"), store.gcOrphans(f -> Files.exists(repo.resolve(f))).files());
    }

    @Test
    void everythingSurvivesCloseAndReopen() {
        store.replaceFile(index("a.py", "h", 0), fileNodes("a.py", 3, "h"));
        NodeState full = NodeStateJsonTest.full();
        store.set(full);
        store.close();
        store = NodeStore.open(repo);
        assertEquals(Optional.of(full), store.get(full.id().toString()));
        assertEquals(4, store.byFile("a.py").size());
        assertEquals(new NodeStore.Stats(5, 1), store.stats());
    }

    @Test
    void aSecondOpenInTheSameProcessIsRefusedClearly() {
        var e = assertThrows(HubException.class, () -> NodeStore.open(repo));
        assertEquals(HubException.ExitCode.BUSY, e.exitCode());
        assertTrue(e.getMessage().contains("already open in this process"), e.getMessage());
        assertTrue(e.getMessage().contains(store.directory().toString()), e.getMessage());
    }

    @Test
    void aReadOnlyStoreFollowsTheWriterAndRefusesWrites() throws Exception {
        store.set(node("a.py", "f", "h"));
        try (NodeStore reader = NodeStore.openReadOnly(repo)) {
            assertTrue(reader.isReadOnly());
            assertEquals(1, reader.byFile("a.py").size());
            store.replaceFile(index("b.py", "h", 0), fileNodes("b.py", 2, "h"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (reader.stats().nodes() != 4 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(new NodeStore.Stats(4, 1), reader.stats());
            assertEquals(3, reader.byFile("b.py").size());
            var e = assertThrows(HubException.class, () -> reader.set(node("c.py", "f", "h")));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
        }
    }

    @Test
    void readOnlyOpeningOfARepoWithoutAStoreSaysSo(@TempDir Path empty) {
        var e = assertThrows(HubException.class, () -> NodeStore.openReadOnly(empty));
        assertEquals(HubException.ExitCode.NOT_FOUND, e.exitCode());
        assertTrue(e.getMessage().contains("no node store at"), e.getMessage());
    }

    @Test
    void aClosedStoreSaysItIsClosed() {
        store.close();
        var e = assertThrows(IllegalStateException.class, () -> store.get("a.py::f"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        store.close();
    }

    static List<String> ids(List<NodeState> states) {
        return states.stream().map(s -> s.id().toString()).toList();
    }

    @Test
    void aFilesLastTextIsKeptWithItsNodesAndForgottenWithThem() {
        String text = "def f():\n    return 'été'\n".repeat(500);
        store.replaceFile(index("a.py", "h1", 0), fileNodes("a.py", 2, "h1"), text);
        assertEquals(text, store.fileText("a.py").orElseThrow());
        store.replaceFile(index("a.py", "h2", 0), fileNodes("a.py", 2, "h2"));
        assertEquals(text, store.fileText("a.py").orElseThrow(), "a replace without text keeps the last one");
        store.gcOrphans(f -> false);
        assertTrue(store.fileText("a.py").isEmpty());
    }

    @Test
    void anEmptyFilesTextReadsBackEmpty() {
        store.replaceFile(index("__init__.py", "h0", 0), fileNodes("__init__.py", 1, "h0"), "");
        assertEquals("", store.fileText("__init__.py").orElseThrow());
    }

    @Test
    void referenceTablesAreStoredWithTheirNodeUpdatesAndForgottenWithTheFile() {
        List<NodeState> nodes = fileNodes("a.py", 2, "h1");
        store.replaceFile(index("a.py", "h1", 0), nodes);
        String id = nodes.get(1).id().toString();
        store.applyReferences(java.util.Map.of("a.py", "{\"calls\":{}}"),
                java.util.Map.of(id, s -> s.with(java.util.Map.of("callers", List.of("b.py::g")))));
        assertEquals(java.util.Map.of("a.py", "{\"calls\":{}}"), store.referenceTables());
        assertEquals(List.of("b.py::g"), store.get(id).orElseThrow().callers());
        store.invalidateFile("a.py");
        assertTrue(store.referenceTables().isEmpty());
    }

    @Test
    void aNodesLastChangeIsKeptOnlyWhileTheNodeExists() {
        List<NodeState> nodes = fileNodes("a.py", 2, "h1");
        store.replaceFile(index("a.py", "h1", 0), nodes);
        String id = nodes.get(1).id().toString();
        store.putLastChanges(java.util.Map.of(id, "{\"kind\":\"changed\"}", "a.py::ghost", "{}"));
        assertEquals("{\"kind\":\"changed\"}", store.lastChange(id).orElseThrow());
        assertTrue(store.lastChange("a.py::ghost").isEmpty(), "no change is kept for a node that is not stored");
        store.replaceFile(index("a.py", "h2", 0), List.of(nodes.get(0)));
        assertTrue(store.lastChange(id).isEmpty(), "removing the node removes its change");
    }
}
