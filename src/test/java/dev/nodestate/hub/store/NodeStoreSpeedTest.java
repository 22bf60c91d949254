package dev.nodestate.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prints µs per operation (target/surefire-reports/*SpeedTest-output.txt); asserts results, not timings. */
@org.junit.jupiter.api.Tag("benchmark")
class NodeStoreSpeedTest {

    @TempDir
    Path repo;

    @Test
    void measuresPutsGetsAndPerFileOperations() {
        int n = 2_000;
        List<NodeState> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(Fixtures.node("p/m" + i / 25 + ".py", "C.f" + i, "h").with(java.util.Map.of(
                    "signature", "def f" + i + "(self, path: str, retries: int = 3) -> dict[str, int]",
                    "docstring", "Reads the thing and counts what it finds.",
                    "imports", List.of("os", "json", "pathlib.Path"), "decorators", List.of("@cached"),
                    "callers", List.of("p/a.py::main", "p/b.py::Runner.run"), "callees", List.of("os.path.join"),
                    "line_count", 24, "complexity", 4, "parent", "p/m" + i / 25 + ".py::C"))
                    .withMark("signature", "extract_signatures", Fixtures.T0));
        }
        try (NodeStore store = NodeStore.open(repo)) {
            for (int round = 0; round < 3; round++) { // the first rounds warm up the JIT
                System.out.println("round " + round);
                long t = System.nanoTime();
                for (NodeState s : nodes) {
                    store.set(s.with(java.util.Map.of("complexity", round)));
                }
                report("set (one txn each)", t, n);
                t = System.nanoTime();
                for (NodeState s : nodes) {
                    store.get(s.id().toString());
                }
                report("get", t, n);
                t = System.nanoTime();
                store.getMany(nodes.stream().map(s -> s.id().toString()).toList());
                report("getMany(" + n + "), per node", t, n);
                t = System.nanoTime();
                for (int f = 0; f < n / 25; f++) {
                    String file = "p/m" + f + ".py";
                    store.replaceFile(Fixtures.index(file, "h" + round, 0),
                            Fixtures.fileNodes(file, 25, "h" + round));
                }
                report("replaceFile(26 nodes, one txn), per file", t, n / 25);
                t = System.nanoTime();
                for (int f = 0; f < n / 25; f++) {
                    store.byFile("p/m" + f + ".py");
                }
                report("byFile(51 nodes), per file", t, n / 25);
                t = System.nanoTime();
                for (int i = 0; i < 1000; i++) {
                    store.stats();
                }
                report("stats", t, 1000);
                t = System.nanoTime();
                List<byte[]> encoded = nodes.stream().map(Codec::bytes).toList();
                report("  of which: JSON encode of one node", t, n);
                t = System.nanoTime();
                for (byte[] b : encoded) {
                    Codec.read(b, b.length, NodeState.class, "speed");
                }
                report("  of which: JSON decode of one node (" + encoded.get(0).length + " bytes)", t, n);
            }
            assertEquals(n / 25, store.stats().files());
        }
    }

    private static void report(String what, long start, int ops) {
        System.out.printf("%-45s %8.1f µs/op%n", what, (System.nanoTime() - start) / 1000.0 / ops);
    }
}
