package dev.nodestate.hub.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Node states and file entries for tests. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");

    private Fixtures() {
    }

    static NodeState node(String file, String qualifiedName, String fileHash) {
        NodeId id = NodeId.of(file, qualifiedName);
        String bare = qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
        return NodeState.create(id, bare, NodeState.Type.FUNCTION, "src-" + qualifiedName, fileHash, T0,
                NodeState.Source.FILE_CHANGE);
    }

    static NodeState module(String file, String fileHash) {
        return NodeState.create(NodeId.module(file), file, NodeState.Type.MODULE, "src-" + file, fileHash, T0,
                NodeState.Source.COLD_START);
    }

    /** A module node and {@code functions} functions f0..fN-1 of class C. */
    static List<NodeState> fileNodes(String file, int functions, String fileHash) {
        List<NodeState> nodes = new ArrayList<>();
        nodes.add(module(file, fileHash));
        for (int i = 0; i < functions; i++) {
            nodes.add(node(file, "C.f" + i, fileHash));
        }
        return nodes;
    }

    static FileIndex index(String file, String fileHash, int nodeCount) {
        return new FileIndex(file, fileHash, nodeCount, T0, null);
    }
}
