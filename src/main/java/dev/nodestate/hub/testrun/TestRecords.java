package dev.nodestate.hub.testrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.markdown.MarkdownPages;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.trace.TraceLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the hub knows about a node's generated test and its last run, kept apart from the node's state (a test run
 * is not a fact of the code): a record per node at {@code .agentfs/tests/records/<file>/<node name>.json}, one line
 * per run in {@code .agentfs/traces/tests.jsonl}, and the "Test run" section of the node's page.
 *
 * <p>Skeletons are written here, by the host, never by a tool: under {@code .agentfs/tests/} (the default) or, when
 * asked, into the repository's test directories; a file that exists is never overwritten.
 */
public final class TestRecords {

    static final String SECTION = "Test run";
    static final int EXCERPT_LINES = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path repo;

    public TestRecords(Path repo) {
        this.repo = repo.toAbsolutePath().normalize();
    }

    public Path repo() {
        return repo;
    }

    Path recordFile(NodeId id) {
        return recordFile(repo, id);
    }

    private static Path recordFile(Path repo, NodeId id) {
        return repo.resolve(".agentfs/tests/records").resolve(id.file()).resolve((id.isModule() ? "__module__" : id.name()) + ".json");
    }

    /** The node's record ({@code skeleton}, {@code last_run}), if any. */
    public synchronized Optional<ObjectNode> record(String nodeId) {
        return read(recordFile(NodeId.parse(nodeId)));
    }

    private static Optional<ObjectNode> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of((ObjectNode) JSON.readTree(Files.readString(file)));
        } catch (IOException | ClassCastException e) {
            return Optional.empty(); // a damaged record is replaced by the next write
        }
    }

    /** A skeleton the host refused to write; the message says why and what to do. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * Writes a generated test ({@code {"path", "text", "test_name", "test_class", "test_method", "language"}}, path
     * repo-relative). {@code intoRepo} false: the path must lie under {@code .agentfs/tests/}; true: it must lie outside
     * {@code .agentfs/}. Refused when the file exists (never overwritten) or the path leaves the repository.
     */
    public synchronized Path writeSkeleton(String nodeId, JsonNode skeleton, boolean intoRepo) throws Refused {
        String path = skeleton.path("path").asText("");
        String text = skeleton.path("text").asText("");
        if (path.isEmpty() || text.isEmpty()) {
            throw new Refused("the skeleton of " + nodeId + " has no path or no text: " + abbreviate(skeleton.toString()));
        }
        Path rel = Path.of(path).normalize();
        if (rel.isAbsolute() || rel.startsWith("..") || path.contains("..")) {
            throw new Refused("skeleton path '" + path + "' of " + nodeId + " is not a plain path inside the repository");
        }
        String relText = rel.toString().replace('\\', '/');
        boolean underAgentfs = relText.startsWith(".agentfs/tests/");
        if (!intoRepo && !underAgentfs) {
            throw new Refused("skeleton path '" + path + "' of " + nodeId + " is not under .agentfs/tests/; only --write puts tests into the repository");
        }
        if (intoRepo && relText.startsWith(".agentfs/")) {
            throw new Refused("skeleton path '" + path + "' of " + nodeId + " is under .agentfs/; --write needs a path in the repository's test tree");
        }
        Path target = repo.resolve(rel);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused(relText + " exists and is never overwritten; delete it or move it away to generate it again");
        }
        try {
            Files.createDirectories(target.getParent());
            if (!target.getParent().toRealPath().startsWith(repo.toRealPath())) {
                throw new Refused(relText + " leads outside the repository (a symlinked directory)");
            }
            Files.writeString(target, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new Refused(relText + " exists and is never overwritten; delete it or move it away to generate it again");
        } catch (IOException e) {
            throw new Refused("cannot write " + relText + ": " + e.getMessage());
        }
        NodeId id = NodeId.parse(nodeId);
        ObjectNode record = read(recordFile(id)).orElseGet(JSON::createObjectNode);
        ObjectNode s = record.putObject("skeleton");
        s.put("path", relText).put("language", skeleton.path("language").asText())
                .put("test_name", skeleton.path("test_name").asText(null))
                .put("test_class", skeleton.path("test_class").asText(null))
                .put("test_method", skeleton.path("test_method").asText(null))
                .put("in_repo", intoRepo).put("written_at", Instant.now().toString());
        save(id, record);
        return target;
    }

    /** Appends the run to {@code tests.jsonl}, keeps it as the node's last run and updates its page; returns the line. */
    synchronized ObjectNode recordRun(TestProcess.Target target, TestProcess.Result result) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("node", target.nodeId());
        line.put("test_id", target.testId());
        line.put("test_file", target.testFile());
        line.put("runner", result.runner());
        line.set("command", JSON.valueToTree(result.commands()));
        if (result.exitCode() == null) {
            line.putNull("exit_code");
        } else {
            line.put("exit_code", result.exitCode());
        }
        line.put("outcome", result.outcome());
        line.put("duration_ms", result.durationMs());
        line.put("output_bytes", result.outputBytes());
        line.put("output_truncated", result.truncated());
        line.put("message", result.message());
        line.put("output_excerpt", excerpt(result.output(), EXCERPT_LINES));
        try (TraceLog log = TraceLog.open(repo, "tests")) {
            log.appendLine(line.toString());
        }
        NodeId id = NodeId.parse(target.nodeId());
        ObjectNode record = read(recordFile(id)).orElseGet(JSON::createObjectNode);
        record.set("last_run", line);
        save(id, record);
        return line;
    }

    private void save(NodeId id, ObjectNode record) {
        Path file = recordFile(id);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, record.toPrettyString());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test record " + file, e);
        }
        MarkdownPages.replaceSection(MarkdownPages.pageOf(repo.resolve(".agentfs/nodes"), id), SECTION, section(repo, id));
    }

    /** The page section for a node, or null when the hub made no test for it and ran none. */
    public static String section(Path repo, NodeId id) {
        Optional<ObjectNode> r = read(recordFile(repo, id));
        if (r.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder("## " + SECTION + "\n\n");
        JsonNode s = r.get().path("skeleton");
        if (s.isObject()) {
            b.append("- skeleton: `").append(s.path("path").asText()).append("` (generated ").append(s.path("written_at").asText())
                    .append(s.path("in_repo").asBoolean() ? ", in the repository" : "").append(")\n");
        } else {
            b.append("- skeleton: none generated\n");
        }
        JsonNode run = r.get().path("last_run");
        if (run.isObject()) {
            b.append("- last run: **").append(run.path("outcome").asText()).append("** in ").append(run.path("duration_ms").asLong())
                    .append(" ms, ").append(run.path("time").asText()).append('\n');
            b.append("- test: `").append(run.path("test_id").asText()).append("` with runner `").append(run.path("runner").asText())
                    .append("`, exit code ").append(run.path("exit_code").isNull() ? "none" : run.path("exit_code").asText()).append('\n');
            if (!run.path("message").isNull() && !run.path("message").asText().isEmpty()) {
                b.append("- note: ").append(run.path("message").asText()).append('\n');
            }
            b.append("\nLog excerpt (last lines):\n\n```text\n").append(run.path("output_excerpt").asText().stripTrailing()).append("\n```\n");
        } else {
            b.append("- last run: never run (`hub run run_single_test ").append(id).append("`)\n");
        }
        return b.toString();
    }

    static String excerpt(String output, int lines) {
        List<String> all = output.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
