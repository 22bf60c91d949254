package dev.nodestate.hub.refs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.tool.ExternalFunction;
import dev.nodestate.hub.tool.Externals;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host's cross-file queries for tools: the reference index, node facts, names and similar
 * nodes. Batched (lists in, objects out), since each external call crosses the sandbox boundary.
 */
final class AnalysisExternals {

    static final int MAX_IDS = 5_000;

    private AnalysisExternals() {
    }

    static Externals of(NodeStore store, ReferenceIndex index, SimilarityIndex similar,
            java.util.function.LongSupplier generation) {
        Names names = new Names(store, generation);
        return new Externals()
                .add("callers_of", "callers_of(node_ids: list[str]) -> dict",
                        args -> perId(args, index::callersOf))
                .add("callees_of", "callees_of(node_ids: list[str]) -> dict",
                        args -> perId(args, index::calleesOf))
                .add("unresolved_calls", "unresolved_calls(node_ids: list[str]) -> dict",
                        args -> perId(args, index::unresolvedOf))
                .add("node_facts", "node_facts(node_ids: list[str]) -> dict", args -> facts(store, ids(args)))
                .add("node_context", "node_context(node_ids: list[str]) -> dict", args -> context(store, ids(args)))
                .add("names_starting", "names_starting(prefixes: list[str]) -> dict", args -> names.starting(args))
                .add("similar_nodes", "similar_nodes(node_id: str, k: int) -> list", args -> {
                    ArrayNode out = JsonNodeFactory.instance.arrayNode();
                    for (SimilarityIndex.Scored s : similar.similar(args.path("node_id").asText(), args.path("k").asInt(5))) {
                        out.addObject().put("id", s.id()).put("score", s.score());
                    }
                    return out;
                });
    }

    private static List<String> ids(ObjectNode args) throws ExternalFunction.ExternalFailure {
        List<String> ids = new ArrayList<>();
        args.path("node_ids").forEach(n -> ids.add(n.asText()));
        if (ids.size() > MAX_IDS) {
            throw new ExternalFunction.ExternalFailure(ids.size() + " node ids in one call; ask for at most " + MAX_IDS);
        }
        return ids;
    }

    private static JsonNode perId(ObjectNode args, java.util.function.Function<String, List<String>> lookup)
            throws ExternalFunction.ExternalFailure {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String id : ids(args)) {
            out.set(id, CrossFileAnalysis.strings(lookup.apply(id)));
        }
        return out;
    }

    /** Each id's HubContextBlob (what the socket's context request gives): stored facts and their freshness. */
    private static JsonNode context(NodeStore store, List<String> ids) {
        // the store lives in REPO/.agentfs/hub_state
        dev.nodestate.hub.serve.Freshness freshness = dev.nodestate.hub.serve.Freshness.forRepo(store.directory().getParent().getParent());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Map<String, NodeState> found = store.getMany(ids);
        for (String id : ids) {
            out.set(id, CONTEXT_JSON.valueToTree(freshness.blob(id, found.get(id))));
        }
        return out;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper CONTEXT_JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static JsonNode facts(NodeStore store, List<String> ids) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, NodeState> e : store.getMany(ids).entrySet()) {
            NodeState n = e.getValue();
            ObjectNode f = out.putObject(e.getKey());
            f.put("file", n.filePath());
            f.put("name", n.nodeName());
            f.put("node_type", n.nodeType().name().toLowerCase(Locale.ROOT));
            f.put("language", n.language());
            f.put("parent", n.parent());
            f.put("signature", n.signature());
            f.set("decorators", CrossFileAnalysis.strings(n.decorators()));
        }
        return out;
    }

    /**
     * Node ids by the lower-cased simple name of their last segment ({@code Foo.test_bar#2} → test_bar,
     * {@code Foo.testBar(int)} → testbar), rebuilt when the store's node count or the analysis'
     * generation (bumped by every file it takes in) changed.
     */
    static final class Names {
        private final NodeStore store;
        private final java.util.function.LongSupplier generation;
        private TreeMap<String, List<String>> byName;
        private long builtForNodes = -1;
        private long builtForGeneration = -1;

        Names(NodeStore store, java.util.function.LongSupplier generation) {
            this.store = store;
            this.generation = generation;
        }

        synchronized JsonNode starting(ObjectNode args) {
            long nodes = store.stats().nodes();
            long now = generation.getAsLong();
            if (byName == null || nodes != builtForNodes || now != builtForGeneration) {
                byName = new TreeMap<>();
                for (String id : store.ids()) {
                    byName.computeIfAbsent(simpleName(id), k -> new ArrayList<>()).add(id);
                }
                builtForNodes = nodes;
                builtForGeneration = now;
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            args.path("prefixes").forEach(p -> {
                String prefix = p.asText().toLowerCase(Locale.ROOT);
                ArrayNode ids = out.putArray(p.asText());
                if (prefix.isEmpty()) {
                    return; // every node would match
                }
                for (List<String> list : byName.subMap(prefix, prefix + Character.MAX_VALUE).values()) {
                    list.forEach(ids::add);
                }
            });
            return out;
        }

        static String simpleName(String id) {
            int at = id.indexOf("::");
            String name = at < 0 ? "" : id.substring(at + 2);
            int paren = name.indexOf('(');
            if (paren >= 0) {
                name = name.substring(0, paren);
            }
            int hash = name.indexOf('#');
            if (hash >= 0) {
                name = name.substring(0, hash);
            }
            return name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        }
    }
}
