package dev.nodestate.hub.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.nodestate.hub.sandbox.ToolException;
import dev.nodestate.hub.tool.Externals;
import dev.nodestate.hub.tool.ToolHost;
import dev.nodestate.hub.tool.ToolRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the extraction and complexity tools on a batch of files of one language and returns,
 * per file, the tools' node entries with complexity joined in by anchor.
 */
final class Extraction {

    static final String PYTHON_TOOL = "extract_signatures";
    static final String JAVA_TOOL = "extract_java";
    static final String COMPLEXITY_TOOL = "compute_complexity";

    /**
     * One file's extraction: its nodes (tool JSON) or the error that stopped it, and the file's reference
     * table when a references tool ran with the extraction (else null).
     */
    record FileResult(String path, List<JsonNode> nodes, String error, int errorLine, JsonNode references) {
    }

    /** Waits on lanes for the complexity runs; the work itself runs on the lanes' threads. */
    private static final java.util.concurrent.Executor SIDE = java.util.concurrent.Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("hub-complexity-", 0).factory());

    private final ToolRegistry tools;
    private final ToolHost host;
    private final Externals externals;

    Extraction(ToolRegistry tools, ToolHost host, Externals externals) {
        this.tools = tools;
        this.host = host;
        this.externals = externals;
    }

    /**
     * Runs the extraction tools on {@code paths}; with {@code referencesTool} (Python only) also that tool, on
     * the same outlines while they are cached: a cold index parses each file once for all three.
     */
    Map<String, FileResult> run(String language, List<String> paths, String referencesTool) {
        JsonNode input = JsonNodeFactory.instance.arrayNode().addAll(paths.stream()
                .map(JsonNodeFactory.instance::textNode).toList());
        String extractor = language.equals("java") ? JAVA_TOOL : PYTHON_TOOL;
        // both tools at once: on a second lane when one is free, so a single saved file waits for the slower
        // of the two, not their sum (in a busy cold start the call simply queues for a lane)
        java.util.concurrent.CompletableFuture<JsonNode> measuring = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> host.run(tools.get(COMPLEXITY_TOOL), Map.of("file_paths", input), externals, null).value(), SIDE);
        boolean referencing = referencesTool != null && language.equals("python") && tools.get(referencesTool) != null;
        java.util.concurrent.CompletableFuture<JsonNode> referenced = !referencing ? null
                : java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> host.run(tools.get(referencesTool), Map.of("file_paths", input), externals, null).value(), SIDE);
        JsonNode extracted;
        try {
            extracted = host.run(tools.get(extractor), Map.of("file_paths", input), externals, null).value();
        } catch (RuntimeException e) {
            measuring.exceptionally(x -> null).join(); // never leave a run behind
            if (referenced != null) {
                referenced.exceptionally(x -> null).join();
            }
            throw e;
        }
        Map<String, JsonNode> tables = new HashMap<>();
        if (referenced != null) {
            try {
                referenced.join().path("references").forEach(t -> tables.put(t.path("file_path").asText(), t));
            } catch (java.util.concurrent.CompletionException e) { // the cross-file analysis runs it again for these files
                System.err.println("hub: " + referencesTool + " failed for " + paths.size() + " file(s) during extraction: "
                        + (e.getCause() instanceof ToolException t ? t.getMessage() : String.valueOf(e.getCause())));
            }
        }
        Map<String, JsonNode> complexity = new HashMap<>();
        try {
            measuring.join().forEach(f -> complexity.put(f.path("file_path").asText(), f.path("complexity")));
        } catch (java.util.concurrent.CompletionException e) {
            System.err.println("hub: " + COMPLEXITY_TOOL + " failed for " + paths.size() + " file(s): "
                    + (e.getCause() instanceof ToolException t ? t.getMessage() : String.valueOf(e.getCause())));
        }
        Map<String, FileResult> out = new HashMap<>();
        for (JsonNode f : extracted) {
            String path = f.path("file_path").asText();
            JsonNode error = f.get("error");
            if (error != null && !error.isNull()) {
                out.put(path, new FileResult(path, List.of(), error.path("message").asText(), error.path("line").asInt(), null));
                continue;
            }
            JsonNode c = complexity.getOrDefault(path, JsonNodeFactory.instance.objectNode());
            List<JsonNode> nodes = new java.util.ArrayList<>();
            for (JsonNode n : f.path("nodes")) {
                JsonNode value = c.get(n.path("anchor").asText());
                if (value != null) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) n).set("complexity", value);
                }
                nodes.add(n);
            }
            out.put(path, new FileResult(path, nodes, null, 0, tables.get(path)));
        }
        return out;
    }
}
