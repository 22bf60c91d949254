package dev.nodestate.hub.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live state of one code node, as the hub stores and serves it. The JSON form uses the seed's
 * snake_case names ({@code file_path}, {@code node_type}, {@code last_updated}...) and its values.
 *
 * <p>{@code file_path} is repo-relative and always equals the file part of {@code key}
 * ({@code node:{id}}, see {@link NodeId}). {@code callers}, {@code callees} and
 * {@code related_tests} are {@code null} until a tool has computed them, and then a (possibly
 * empty) list. Methods are {@link Type#FUNCTION} nodes whose {@code parent} is the id of their
 * class. {@code updates} says, per update type ({@code "signature"}, {@code "complexity"},
 * {@code "callers"}...), which tool last set it and when.
 *
 * <p>The hub always writes every field. When reading JSON that leaves fields out, missing lists
 * and numbers read as the seed's defaults, but a missing {@code has_type_hints} reads as
 * {@code false} (the seed's default is {@code true}): send it explicitly.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record NodeState(
        String key,
        String filePath,
        String nodeName,
        Type nodeType,
        String sourceHash,
        String fileHash,
        String signature,
        String docstring,
        List<String> imports,
        List<String> decorators,
        List<String> callers,
        List<String> callees,
        List<String> relatedTests,
        Integer lineCount,
        Integer complexity,
        boolean docstringOutdated,
        boolean hasTypeHints,
        Instant lastUpdated,
        Source updateSource,
        String language,
        Integer startLine,
        Integer endLine,
        String parent,
        Map<String, Mark> updates) {

    /** The seed's node kinds; a method is a function with a parent. */
    public enum Type {
        @JsonProperty("function") FUNCTION,
        @JsonProperty("class") CLASS,
        @JsonProperty("module") MODULE
    }

    /** What triggered the last update. */
    public enum Source {
        @JsonProperty("file_change") FILE_CHANGE,
        @JsonProperty("dependency_change") DEPENDENCY_CHANGE,
        @JsonProperty("manual") MANUAL,
        @JsonProperty("cold_start") COLD_START
    }

    /**
     * Which tool last set one kind of update, and when; {@code error} says why its last run failed
     * (the value then is the one before that run).
     */
    public record Mark(String tool, Instant at,
                       @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                       String error) {
        public Mark {
            require(tool != null && !tool.isBlank(), "an update mark needs a tool name");
            require(at != null, "update mark of tool '" + tool + "' needs a time");
        }

        public Mark(String tool, Instant at) {
            this(tool, at, null);
        }
    }

    public NodeState {
        require(key != null, "NodeState.key is null (node '" + nodeName + "' in " + filePath + ")");
        NodeId id = NodeId.fromKey(key);
        require(id.file().equals(filePath), "NodeState " + key + ": file_path '" + filePath
                + "' must equal the file of its key, '" + id.file() + "'");
        require(nodeName != null, "NodeState " + key + ": node_name is null");
        require(nodeType != null, "NodeState " + key + ": node_type is null (function, class or module)");
        require(sourceHash != null, "NodeState " + key + ": source_hash is null");
        require(fileHash != null, "NodeState " + key + ": file_hash is null");
        require(lastUpdated != null, "NodeState " + key + ": last_updated is null");
        require(updateSource != null, "NodeState " + key
                + ": update_source is null (file_change, dependency_change, manual or cold_start)");
        imports = imports == null ? List.of() : List.copyOf(imports);
        decorators = decorators == null ? List.of() : List.copyOf(decorators);
        callers = callers == null ? null : List.copyOf(callers);
        callees = callees == null ? null : List.copyOf(callees);
        relatedTests = relatedTests == null ? null : List.copyOf(relatedTests);
        updates = updates == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(updates));
    }

    /** A fresh node with the seed's defaults: no lists, no metrics, type hints assumed. */
    public static NodeState create(NodeId id, String nodeName, Type type, String sourceHash, String fileHash,
            Instant at, Source source) {
        return new NodeState(id.key(), id.file(), nodeName, type, sourceHash, fileHash, null, null, null, null,
                null, null, null, null, null, false, true, at, source, null, null, null, null, null);
    }

    public static NodeState fromJson(String json) {
        return Codec.read(json, NodeState.class);
    }

    public String toJson() {
        return Codec.text(this);
    }

    /** The node's id ({@code key} without {@code node:}). */
    public NodeId id() {
        return NodeId.fromKey(key);
    }

    /**
     * A copy with some fields replaced, named by their JSON (snake_case) names, values as Jackson
     * would read them ({@code Instant} or ISO string for times, lists for lists, enum wire values).
     * The replacement is shallow: {@code updates} given here replaces the whole map, see
     * {@link #withMark}. Changing {@code key} or {@code file_path} is refused.
     */
    public NodeState with(Map<String, ?> changes) {
        ObjectNode tree = Codec.MAPPER.valueToTree(this);
        for (var change : changes.entrySet()) {
            String field = change.getKey();
            require(tree.has(field), "unknown NodeState field '" + field + "' in an update of " + key
                    + "; fields: " + String.join(", ", (Iterable<String>) tree::fieldNames));
            require(!field.equals("key") && !field.equals("file_path"),
                    "an update of " + key + " must not change '" + field + "'; delete the node and set a new one");
            tree.set(field, Codec.MAPPER.valueToTree(change.getValue()));
        }
        try {
            return Codec.MAPPER.treeToValue(tree, NodeState.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("update of " + key + " with " + changes.keySet() + " is invalid: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** A copy whose {@code updates} records that {@code tool} set {@code updateType} at {@code at}. */
    public NodeState withMark(String updateType, String tool, Instant at) {
        return withMark(updateType, new Mark(tool, at));
    }

    /** A copy whose {@code updates} holds {@code mark} for {@code updateType} (e.g. a failed run). */
    public NodeState withMark(String updateType, Mark mark) {
        require(updateType != null && !updateType.isBlank(), "update type of a mark on " + key + " is empty");
        Map<String, Mark> marks = new TreeMap<>(updates);
        marks.put(updateType, mark);
        return new NodeState(key, filePath, nodeName, nodeType, sourceHash, fileHash, signature, docstring, imports,
                decorators, callers, callees, relatedTests, lineCount, complexity, docstringOutdated, hasTypeHints,
                lastUpdated, updateSource, language, startLine, endLine, parent, marks);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
