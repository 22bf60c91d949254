package dev.nodestate.hub.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.SharedRuntime;
import dev.nodestate.hub.tool.HostExternals;
import dev.nodestate.hub.tool.PymChecker;
import dev.nodestate.hub.tool.PymTool;
import dev.nodestate.hub.tool.ToolHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Python extractor against CPython's own ast on a real code base nobody here wrote:
 * the standard library's {@code email} and {@code json} packages of this machine's python3.
 */
class PythonReferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Path stdlib() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import json, os; print(os.path.dirname(os.path.dirname(json.__file__)))")
                .redirectErrorStream(true).start();
        String dir = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), dir);
        return Path.of(dir);
    }

    @Test
    void namesKindsLinesAndSignaturesAgreeWithCPythonsAst() throws Exception {
        Path root = stdlib();
        List<String> files;
        try (Stream<Path> s = Stream.concat(Files.list(root.resolve("email")), Files.list(root.resolve("json")))) {
            files = s.filter(f -> f.toString().endsWith(".py")).map(f -> root.relativize(f).toString()).sorted().toList();
        }
        assertTrue(files.size() > 20, "expected a real package, got " + files);
        Path tool = Path.of("tools/extract_signatures.pym");
        var externals = HostExternals.standard(root);
        PymTool extractor = new PymChecker(SharedRuntime.get(), externals).check(tool, Files.readString(tool));
        ToolHost host = new ToolHost(SharedRuntime.get());
        ObjectNode byFile = JSON.createObjectNode();
        Set<String> ids = new HashSet<>();
        int total = 0;
        for (int i = 0; i < files.size(); i += 4) {
            ArrayNode batch = JSON.createArrayNode();
            files.subList(i, Math.min(files.size(), i + 4)).forEach(batch::add);
            JsonNode result = host.run(extractor, Map.of("file_paths", batch), externals, null).value();
            for (JsonNode f : result) {
                byFile.set(f.get("file_path").asText(), f.get("nodes"));
                for (JsonNode n : f.get("nodes")) {
                    total++;
                    assertTrue(ids.add(f.get("file_path").asText() + "::" + n.get("name").asText()), "duplicate id " + n.get("name"));
                }
            }
        }
        ObjectNode request = JSON.createObjectNode().put("root", root.toString());
        files.forEach(request.putArray("files")::add);
        request.set("tool", byFile);
        Path script = Path.of("src/test/resources/reference/py_reference.py");
        Path requestFile = Files.createTempFile("py-reference", ".json");
        JSON.writeValue(requestFile.toFile(), request);
        Process p = new ProcessBuilder("python3", script.toString(), requestFile.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        JsonNode report = JSON.readTree(output);
        System.out.printf("python reference: %d files, %d tool nodes, %d reference nodes; names %d, kinds %d, lines %d, signatures %d%n",
                files.size(), total, report.get("nodes").asInt(), report.get("names").asInt(), report.get("kinds").asInt(),
                report.get("lines").asInt(), report.get("signatures").asInt());
        int n = report.get("nodes").asInt();
        assertTrue(n > 500, "expected hundreds of nodes, got " + n);
        assertEquals(List.of(), JSON.convertValue(report.get("missing"), List.class), "nodes CPython sees that the tool missed");
        assertEquals(List.of(), JSON.convertValue(report.get("extra"), List.class), "nodes the tool invented");
        assertEquals(List.of(), JSON.convertValue(report.get("mismatches"), List.class), "kind, line or signature mismatches");
        assertEquals(n, report.get("signatures").asInt());
    }
}
