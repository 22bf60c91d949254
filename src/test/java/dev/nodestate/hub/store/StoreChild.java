package dev.nodestate.hub.store;

import dev.nodestate.hub.HubException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A second process for the store tests, run with the test classpath:
 * <ul>
 * <li>{@code hold REPO}: opens the store, prints {@code open}, keeps it until stdin closes;
 * <li>{@code open REPO}: opens it like the CLI would: a HubException goes to stderr as one line
 * and becomes the exit code;
 * <li>{@code read REPO ID}: opens it read-only and prints the node's JSON and the stats;
 * <li>{@code write-loop REPO}: rewrites files forever, one transaction per file, printing
 * {@code committed I} after each commit (see {@link #loopNodes}).
 * </ul>
 */
public final class StoreChild {

    static final int LOOP_FILES = 40;

    public static void main(String[] args) throws IOException {
        Path repo = Path.of(args[1]);
        try {
            switch (args[0]) {
                case "hold" -> {
                    try (NodeStore store = NodeStore.open(repo)) {
                        System.out.println("open " + store.stats().nodes());
                        System.out.flush();
                        while (System.in.read() >= 0) {
                            // hold until the parent closes stdin or kills us
                        }
                    }
                }
                case "open" -> {
                    try (NodeStore store = NodeStore.open(repo)) {
                        System.out.println("opened " + store.directory());
                    }
                }
                case "claim-and-open" -> { // as `hub watch` does: its pid into hub.pid, then the store
                    java.nio.file.Files.createDirectories(repo.resolve(".agentfs"));
                    java.nio.file.Files.writeString(repo.resolve(".agentfs/hub.pid"), ProcessHandle.current().pid() + "\n");
                    try (NodeStore store = NodeStore.open(repo)) {
                        System.out.println("opened " + store.directory());
                    }
                }
                case "read" -> {
                    try (NodeStore store = NodeStore.openReadOnly(repo)) {
                        System.out.println(store.get(args[2]).map(NodeState::toJson).orElse("missing"));
                        System.out.println(store.stats());
                    }
                }
                case "write-loop" -> {
                    try (NodeStore store = NodeStore.open(repo)) {
                        for (int i = 0; ; i++) {
                            List<NodeState> nodes = loopNodes(i);
                            store.replaceFile(new FileIndex(loopFile(i), loopHash(i), nodes.size(), Instant.now(), null), nodes);
                            System.out.println("committed " + i);
                            System.out.flush();
                        }
                    }
                }
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        } catch (HubException e) {
            System.err.println("hub: " + e.getMessage());
            System.exit(e.exitCode().code());
        }
    }

    static String loopFile(int i) {
        return "pkg/f" + (i % LOOP_FILES) + ".py";
    }

    static String loopHash(int i) {
        return "h" + i;
    }

    /** Iteration {@code i}: a module and 5..34 methods, so rewrites both add and remove nodes. */
    static List<NodeState> loopNodes(int i) {
        int methods = 5 + (i * 7) % 30;
        List<NodeState> nodes = new ArrayList<>(Fixtures.fileNodes(loopFile(i), 0, loopHash(i)));
        for (int m = 0; m < methods; m++) {
            nodes.add(Fixtures.node(loopFile(i), "C.m" + m, loopHash(i)).with(java.util.Map.of(
                    "signature", "def m" + m + "(self, x: int) -> str", "docstring", "Iteration " + i + ".",
                    "line_count", 10 + m, "complexity", 1 + m % 5, "callees", List.of("os.path.join"))));
        }
        return nodes;
    }
}
