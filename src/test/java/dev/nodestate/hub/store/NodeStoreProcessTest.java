package dev.nodestate.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.HubException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store against real second processes: the lock, read-only opening, and kill -9. */
class NodeStoreProcessTest {

    @TempDir
    Path repo;
    @TempDir
    Path work;

    @Test
    void openingAStoreHeldByAnotherProcessGivesABusyMessageWithItsPidAndNoHubStopAdvice() throws Exception {
        try (Child holder = Child.start(work, "hold", repo.toString())) {
            assertEquals("open 0", holder.line(), () -> "holder failed: " + stderrOf(holder));
            var e = assertThrows(HubException.class, () -> NodeStore.open(repo));
            assertEquals(HubException.ExitCode.BUSY, e.exitCode());
            String expected = "the node store at " + NodeStore.stateDir(repo).toRealPath()
                    + " is held by another process (pid " + holder.process.pid()
                    + "): wait for it to finish or quit it first; `hub stop` stops only a hub in .agentfs/hub.pid";
            assertEquals(expected, e.getMessage());
        }
        try (NodeStore store = NodeStore.open(repo)) {
            assertEquals(0, store.stats().nodes(), "the lock is free again once the holder exits");
        }
    }

    @Test
    void aSecondProcessPrintsTheLockMessageWithoutAStackTraceAndExitsBusy() throws Exception {
        Files.createDirectories(repo.resolve(".agentfs"));
        long ourPid = ProcessHandle.current().pid();
        Files.writeString(repo.resolve(".agentfs/hub.pid"), ourPid + "\n");
        try (NodeStore store = NodeStore.open(repo); Child second = Child.start(work, "open", repo.toString())) {
            assertEquals(HubException.ExitCode.BUSY.code(), second.exit());
            String err = second.stderr();
            assertTrue(err.contains("hub: the node store at " + store.directory() + " is held by the running hub (pid "
                    + ourPid), err);
            assertTrue(err.contains("); stop it with `hub stop`"), err);
            assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
            assertEquals(List.of(), second.remainingLines());
        }
    }

    @Test
    void aHubThatWroteItsOwnPidFileNamesTheProcessHoldingTheStoreNotItself() throws Exception {
        // `hub watch` claims .agentfs/hub.pid before it opens the store: its busy message used to name itself
        try (Child holder = Child.start(work, "hold", repo.toString())) {
            assertEquals("open 0", holder.line(), () -> "holder failed: " + stderrOf(holder));
            try (Child watch = Child.start(work, "claim-and-open", repo.toString())) {
                assertEquals(HubException.ExitCode.BUSY.code(), watch.exit());
                String err = watch.stderr();
                assertTrue(err.contains("held by another process (pid " + holder.process.pid() + ")"), err);
                assertFalse(err.contains("pid " + watch.process.pid()), err);
                assertFalse(err.contains("stop it with `hub stop`"), err);
            }
        }
    }

    @Test
    void theHubCommandOfAHoldingJvmIsReadFromItsArguments() {
        assertEquals("repl", StoreLock.hubCommand(List.of("-Xss16m", "-cp", "x", "dev.nodestate.hub.cli.Main", "repl", "/r")));
        assertEquals("repl", StoreLock.hubCommand(List.of("-cp", "x", "dev.nodestate.hub.cli.Main")));
        assertEquals("index", StoreLock.hubCommand(List.of("-jar", "/h/target/hub.jar", "index", "--once")));
        assertEquals(null, StoreLock.hubCommand(List.of("-cp", "x", "org.example.Other")));
    }

    @Test
    void aFailedSecondOpenInThisProcessKeepsTheLockAgainstOtherProcesses() throws Exception {
        try (NodeStore store = NodeStore.open(repo)) {
            assertThrows(HubException.class, () -> NodeStore.open(repo));
            store.set(Fixtures.node("a.py", "f", "h"));
            try (Child second = Child.start(work, "open", repo.toString())) {
                assertEquals(HubException.ExitCode.BUSY.code(), second.exit(), () -> stderrOf(second));
            }
        }
    }

    @Test
    void anotherProcessCanReadTheStoreWhileTheHubHoldsIt() throws Exception {
        try (NodeStore store = NodeStore.open(repo)) {
            NodeState full = NodeStateJsonTest.full();
            store.set(full);
            store.replaceFile(Fixtures.index("a.py", "h", 0), Fixtures.fileNodes("a.py", 2, "h"));
            try (Child reader = Child.start(work, "read", repo.toString(), full.id().toString())) {
                assertEquals(0, reader.exit(), () -> stderrOf(reader));
                List<String> out = reader.remainingLines();
                assertEquals(List.of(full.toJson(), new NodeStore.Stats(4, 1).toString()), out);
            }
        }
    }

    @Test
    void afterKillMinus9MidWriteEveryCommittedFileIsIntactAndConsistent() throws Exception {
        int lastSeen = -1;
        try (Child writer = Child.start(work, "write-loop", repo.toString())) {
            for (String l; lastSeen < 150 && (l = writer.line()) != null; ) {
                lastSeen = Integer.parseInt(l.substring("committed ".length()));
            }
            assertEquals(150, lastSeen, () -> "writer stopped early: " + stderrOf(writer));
            writer.process.destroyForcibly(); // SIGKILL while it is writing the next files
            assertTrue(writer.process.waitFor(30, TimeUnit.SECONDS));
        }

        try (NodeStore store = NodeStore.open(repo)) {
            // The writer may have committed a few more files after the last line we read; the newest
            // iteration found tells how far it got. Every earlier commit must be there, none half-done.
            Map<String, Integer> versions = new HashMap<>();
            for (String file : store.allIndexedFiles()) {
                versions.put(file, Integer.parseInt(store.getFileIndex(file).orElseThrow().fileHash().substring(1)));
            }
            int last = versions.values().stream().max(Integer::compare).orElseThrow();
            assertTrue(last >= lastSeen, "iteration " + lastSeen + " was reported committed but the newest is " + last);
            Map<String, Integer> expected = new HashMap<>();
            for (int i = 0; i <= last; i++) {
                expected.put(StoreChild.loopFile(i), i);
            }
            assertEquals(expected, versions);

            long nodeSum = 0;
            for (var file : expected.entrySet()) {
                List<NodeState> nodes = store.byFile(file.getKey());
                assertEquals(byKey(StoreChild.loopNodes(file.getValue())), byKey(nodes), file.getKey());
                assertEquals(store.getFileIndex(file.getKey()).orElseThrow().nodeCount(), nodes.size());
                for (NodeState s : nodes) {
                    assertEquals(s, store.get(s.id().toString()).orElseThrow());
                }
                nodeSum += nodes.size();
            }
            assertEquals(new NodeStore.Stats(nodeSum, expected.size()), store.stats());
            System.out.println("kill -9 after iteration >= " + lastSeen + "; store holds iterations up to " + last);
        }
    }

    private static Map<String, NodeState> byKey(List<NodeState> states) {
        Map<String, NodeState> map = new HashMap<>();
        states.forEach(st -> assertEquals(null, map.put(st.key(), st), "duplicate " + st.key()));
        return map;
    }

    private static String stderrOf(Child child) {
        try {
            return child.stderr();
        } catch (Exception e) {
            return "(no stderr: " + e + ")";
        }
    }
}
