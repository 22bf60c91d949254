package dev.nodestate.hub.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.SharedRuntime;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real `hub index` process killed mid-run: committed files stay intact, the rest is indexed next time. */
class IndexerKillTest {

    static final int FILES = 400; // enough that the child is still indexing when it has committed a few

    @Test
    void aKilledIndexLeavesCommittedFilesIntactAndTheNextRunFinishes(@TempDir Path repo) throws Exception {
        for (int i = 0; i < FILES; i++) {
            StringBuilder b = new StringBuilder();
            for (int f = 0; f < 5; f++) {
                b.append("def f").append(i).append('_').append(f).append("(x):\n    return x + ").append(f).append("\n\n");
            }
            Files.writeString(repo.resolve("m" + i + ".py"), b.toString());
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dpolyglot.engine.WarnInterpreterOnly=false", "-Xss16m",
                "-cp", System.getProperty("java.class.path")));
        String cache = System.getProperty("polyglot.engine.userResourceCache");
        if (cache != null) {
            command.add("-Dpolyglot.engine.userResourceCache=" + cache);
        }
        command.addAll(List.of("dev.nodestate.hub.cli.Main", "index", "--once", "--tools",
                Path.of("tools").toAbsolutePath().toString(), repo.toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(repo.resolve("child.log").toFile()).start();
        long committed = 0;
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (committed < 8 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            if (Files.isDirectory(NodeStore.stateDir(repo))) {
                try (NodeStore reader = NodeStore.openReadOnly(repo)) {
                    committed = reader.stats().files();
                } catch (RuntimeException notYet) {
                    // the writer may not have created its stores yet
                }
            }
        }
        child.destroyForcibly().waitFor();
        if (committed < 8 && Files.isDirectory(NodeStore.stateDir(repo))) {
            try (NodeStore reader = NodeStore.openReadOnly(repo)) {
                committed = reader.stats().files(); // it may have committed between the last poll and the kill
            }
        }
        assertTrue(committed >= 8 && committed < FILES, "the child committed " + committed + " of " + FILES + " files before it was killed (want some, not all): " + Files.readString(repo.resolve("child.log")));

        Externals externals = HostExternals.standard(repo);
        try (NodeStore store = NodeStore.open(repo);
             ToolRegistry tools = new ToolRegistry(Path.of("tools"), new PymChecker(SharedRuntime.get(), externals))) {
            long intact = store.stats().files();
            for (String file : store.allIndexedFiles()) {
                List<NodeState> nodes = store.byFile(file);
                assertEquals(6, nodes.size(), file + " should have its module and five functions");
                assertEquals(6, store.getFileIndex(file).orElseThrow().nodeCount());
            }
            Indexer.Summary s = new Indexer(repo, store, () -> new Indexer.Tools(tools, new ToolHost(SharedRuntime.get()), externals), 2)
                    .run(Discovery.DEFAULT_MAX_BYTES, p -> { });
            assertEquals(intact, s.unchanged(), "committed files are not re-extracted");
            assertEquals(FILES - intact, s.indexed());
            assertEquals(FILES, store.stats().files());
            assertEquals(FILES * 6L, store.stats().nodes());
            MarkdownPages pages = new MarkdownPages(repo, store);
            for (String file : store.allIndexedFiles()) {
                assertTrue(pages.complete(file), "pages of " + file);
                for (NodeState n : store.byFile(file)) {
                    assertTrue(Files.isRegularFile(pages.pageOf(n.id())), "page of " + n.id());
                }
            }
        }
    }
}
