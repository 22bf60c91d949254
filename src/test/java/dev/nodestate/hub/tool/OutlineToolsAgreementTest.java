package dev.nodestate.hub.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.nodestate.hub.SharedRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Python tools, written on the host's outline, give exactly what their {@code ast} versions
 * (kept in {@code bench/ast_tools/}) give when CPython runs them — result for result, on standard library
 * packages nobody here wrote. This is what "rewritten on the outline with identical results" means.
 */
class OutlineToolsAgreementTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path AST_TOOLS = Path.of("src/main/resources/dev/nodestate/hub/bench/ast_tools");
    private static final Path CPYTHON_RUNNER = Path.of("src/main/resources/dev/nodestate/hub/bench/cpython_index.py");
    private static final List<String> TOOLS = List.of("extract_signatures", "compute_complexity", "find_callees",
            "scan_imports", "list_exports");
    private static final int BATCH = 8;

    @TempDir
    Path tmp;

    private static Path stdlib() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import json, os; print(os.path.dirname(os.path.dirname(json.__file__)))")
                .redirectErrorStream(true).start();
        String dir = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), dir);
        return Path.of(dir);
    }

    private static List<String> files(Path root) throws Exception {
        List<String> out = new ArrayList<>();
        for (String pkg : List.of("email", "json", "asyncio", "importlib", "concurrent/futures")) {
            try (Stream<Path> s = Files.list(root.resolve(pkg))) {
                s.filter(f -> f.toString().endsWith(".py")).map(f -> root.relativize(f).toString()).sorted().forEach(out::add);
            }
        }
        for (String module : List.of("dataclasses.py", "typing.py", "enum.py", "functools.py", "inspect.py", "argparse.py",
                "contextlib.py", "pathlib.py", "string.py", "textwrap.py", "collections/__init__.py", "ast.py", "tokenize.py")) {
            if (Files.exists(root.resolve(module))) {
                out.add(module);
            }
        }
        return out;
    }

    @Test
    void every_shipped_python_tool_on_the_outline_gives_what_its_ast_version_gives_in_cpython() throws Exception {
        Path root = stdlib();
        List<String> files = files(root);
        assertTrue(files.size() > 80, "expected real packages, got " + files.size() + " files");
        Path list = tmp.resolve("files.json");
        JSON.writeValue(list.toFile(), files);
        Path results = tmp.resolve("results.json");
        List<String> command = new ArrayList<>(List.of("python3", CPYTHON_RUNNER.toString(), AST_TOOLS.toString(), root.toString(),
                list.toString(), String.valueOf(BATCH), "--results", results.toString()));
        command.addAll(TOOLS);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        JsonNode expected = JSON.readTree(results.toFile());

        Externals externals = HostExternals.standard(root);
        ToolHost host = new ToolHost(SharedRuntime.get());
        for (String name : TOOLS) {
            Path source = Path.of("tools", name + ".pym");
            String text = Files.readString(source);
            assertFalse(text.contains("import ast"), name + " should be written on the outline");
            PymTool tool = new PymChecker(SharedRuntime.get(), externals).check(source, text);
            assertFalse(tool.broken(), tool.findings().toString());
            int batches = 0;
            for (int i = 0; i < files.size(); i += BATCH) {
                ArrayNode batch = JSON.createArrayNode();
                files.subList(i, Math.min(files.size(), i + BATCH)).forEach(batch::add);
                JsonNode got = JSON.readTree(JSON.writeValueAsString(host.run(tool, Map.of("file_paths", batch), externals, null).value()));
                JsonNode want = expected.get(name).get(batches++);
                if (!got.equals(want)) {
                    fail(name + " differs from its ast version on " + batch + ": " + firstDifference(got, want, ""));
                }
            }
            System.out.printf("%s: %d files, %d batches identical to the ast version in CPython%n", name, files.size(), batches);
        }
    }

    /** Where two JSON trees first differ, as a path with both values. */
    private static String firstDifference(JsonNode got, JsonNode want, String at) {
        if (got.isContainerNode() && want.isContainerNode() && got.getNodeType() == want.getNodeType()) {
            if (got.isObject()) {
                for (var it = want.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!got.has(k)) {
                        return at + "/" + k + ": missing, want " + want.get(k);
                    }
                    if (!got.get(k).equals(want.get(k))) {
                        return firstDifference(got.get(k), want.get(k), at + "/" + k);
                    }
                }
                for (var it = got.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!want.has(k)) {
                        return at + "/" + k + ": extra " + got.get(k);
                    }
                }
            } else {
                for (int i = 0; i < Math.min(got.size(), want.size()); i++) {
                    if (!got.get(i).equals(want.get(i))) {
                        return firstDifference(got.get(i), want.get(i), at + "/" + i);
                    }
                }
                return at + ": " + got.size() + " items, want " + want.size();
            }
        }
        return at + ": got " + truncate(got) + ", want " + truncate(want);
    }

    private static String truncate(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }
}
