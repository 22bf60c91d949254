package dev.nodestate.hub.diff;

import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Node states cut from real snippets the way the indexer cuts them (source hash of the body lines). */
final class Snippets {

    static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");

    private Snippets() {
    }

    /** A node of {@code text} spanning {@code start..end}; {@code more} sets other fields by JSON name. */
    static NodeState node(String path, String language, String text, String name, NodeState.Type type,
                          int start, int end, String signature, Map<String, ?> more) {
        List<String> lines = text.lines().toList();
        String body = String.join("\n", lines.subList(start - 1, end));
        NodeId id = NodeId.of(path, name);
        Map<String, Object> fields = new HashMap<>(more);
        fields.put("signature", signature);
        fields.put("start_line", start);
        fields.put("end_line", end);
        fields.put("language", language);
        int dot = name.lastIndexOf('.', name.indexOf('(') < 0 ? name.length() : name.indexOf('('));
        if (dot > 0) {
            fields.putIfAbsent("parent", NodeId.of(path, name.substring(0, dot)).toString());
        }
        return NodeState.create(id, name, type, sha256(body), sha256(text), T0, NodeState.Source.FILE_CHANGE)
                .with(fields);
    }

    static NodeState function(String path, String language, String text, String name, int start, int end,
                              String signature) {
        return node(path, language, text, name, NodeState.Type.FUNCTION, start, end, signature, Map.of());
    }

    static NodeState module(String path, String language, String text) {
        return NodeState.create(NodeId.module(path), path, NodeState.Type.MODULE, sha256(text), sha256(text), T0,
                NodeState.Source.FILE_CHANGE).with(Map.of("start_line", 1, "end_line", (int) text.lines().count(),
                "language", language));
    }

    /** A file version with its module node first. */
    static FileVersion file(String path, String language, String text, NodeState... nodes) {
        List<NodeState> all = new ArrayList<>();
        all.add(module(path, language, text));
        all.addAll(List.of(nodes));
        return new FileVersion(path, language, text, all);
    }

    /** The bundles that are not about the module node. */
    static List<DiffBundle> nodes(List<DiffBundle> bundles) {
        return bundles.stream().filter(b -> b.nodeType() != NodeState.Type.MODULE).toList();
    }

    static DiffBundle only(List<DiffBundle> bundles) {
        List<DiffBundle> n = nodes(bundles);
        if (n.size() != 1) {
            throw new AssertionError("expected one node bundle, got " + n.stream()
                    .map(b -> b.kind() + " " + b.nodeId()).toList());
        }
        return n.get(0);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
