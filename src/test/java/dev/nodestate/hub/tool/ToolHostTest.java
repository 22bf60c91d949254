package dev.nodestate.hub.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.nodestate.hub.sandbox.ToolError;
import dev.nodestate.hub.sandbox.ToolException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolHostTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ToolError failure(String source, Map<String, JsonNode> inputs, Externals externals) {
        return assertThrows(ToolException.class, () -> Tools.run(source, inputs, externals, null)).error();
    }

    private static final String ADD = """
            from grail import Input
            a: int = Input("a")
            b: int = Input("b", default=10)
            names: list[str] = Input("names", default=[])
            a + b + len(names)
            """;

    @Test
    void theResultIsTheValueOfMainWhenDefinedElseTheLastExpression() {
        assertEquals(3, Tools.run("1 + 2").asInt());
        assertEquals("sync", Tools.run("def main():\n    return 'sync'\n'ignored'").asText());
        assertEquals("async", Tools.run("async def main():\n    return 'async'").asText());
        assertTrue(Tools.run("x = 1").isNull());
    }

    @Test
    void inputDefaultsAreAppliedAndValuesAreChecked() {
        Externals none = new Externals();
        assertEquals(11, Tools.run(ADD, Map.of("a", IntNode.valueOf(1)), none, null).value().asInt());
        assertEquals(4, Tools.run(ADD, Map.of("a", IntNode.valueOf(1), "b", IntNode.valueOf(1),
                "names", JSON.valueToTree(new String[] {"x", "y"})), none, null).value().asInt());
        ToolError wrongType = failure(ADD, Map.of("a", TextNode.valueOf("1")), none);
        assertInstanceOf(ToolError.Input.class, wrongType);
        assertTrue(wrongType.message().contains("expects int"), wrongType.message());
        ToolError wrongElement = failure(ADD, Map.of("a", IntNode.valueOf(1), "names", JSON.valueToTree(new int[] {1})), none);
        assertTrue(wrongElement.message().contains("list[str]"), wrongElement.message());
        assertTrue(failure(ADD, Map.of(), none).message().contains("missing required input 'a'"));
        assertTrue(failure(ADD, Map.of("a", IntNode.valueOf(1), "c", IntNode.valueOf(1)), none).message()
                .contains("unknown input 'c'"));
    }

    @Test
    void optionalAndDictInputsAcceptTheirShapes() {
        String source = "from grail import Input\nm: dict[str, int] = Input('m')\nn: int | None = Input('n', default=None)\n"
                + "sum(m.values()) + (n or 0)";
        assertEquals(5, Tools.run(source, Map.of("m", JSON.valueToTree(Map.of("x", 2, "y", 3))), new Externals(), null)
                .value().asInt());
        assertInstanceOf(ToolError.Input.class, failure(source, Map.of("m", JSON.valueToTree(Map.of("x", "2"))), new Externals()));
    }

    @Test
    void externalsAreCheckedAtTheCallBoundary() {
        AtomicInteger calls = new AtomicInteger();
        Externals externals = new Externals()
                .add("twice", "twice(n: int) -> int", args -> {
                    calls.incrementAndGet();
                    return IntNode.valueOf(args.get("n").asInt() * 2);
                })
                .add("liar", "liar() -> int", args -> TextNode.valueOf("not an int"));
        String header = "from grail import external\n@external\nasync def twice(n: int) -> int: ...\n"
                + "@external\nasync def liar() -> int: ...\n";
        assertEquals(42, Tools.run(header + "async def main():\n    return await twice(21)", Map.of(), externals, null)
                .value().asInt());
        assertEquals(42, Tools.run(header + "async def main():\n    return await twice(n=21)", Map.of(), externals, null)
                .value().asInt());
        int before = calls.get();
        ToolError badArg = failure(header + "async def main():\n    return await twice('x')", Map.of(), externals);
        assertInstanceOf(ToolError.External.class, badArg);
        assertTrue(badArg.message().contains("expects int"), badArg.message());
        assertEquals(before, calls.get(), "a badly typed call never reaches the host function");
        ToolError tooMany = failure(header + "async def main():\n    return await twice(1, 2)", Map.of(), externals);
        assertTrue(tooMany.message().contains("takes 1 arguments but 2 were given"), tooMany.message());
        ToolError badReturn = failure(header + "async def main():\n    return await liar()", Map.of(), externals);
        assertTrue(badReturn.message().contains("not the declared int"), badReturn.message());
    }

    @Test
    void aHostFailureReachesTheScriptAsACatchableException() {
        Externals externals = new Externals().add("fail", "fail() -> str", args -> {
            throw new ExternalFunction.ExternalFailure("disk on fire");
        });
        String source = "from grail import external, ExternalError\n@external\nasync def fail() -> str: ...\n"
                + "async def main():\n    try:\n        await fail()\n    except ExternalError as e:\n        return 'caught: ' + str(e)";
        assertEquals("caught: fail(): disk on fire", Tools.run(source, Map.of(), externals, null).value().asText());
        ToolError uncaught = failure("from grail import external\n@external\nasync def fail() -> str: ...\n"
                + "async def main():\n    return await fail()", Map.of(), externals);
        assertInstanceOf(ToolError.External.class, uncaught);
        assertEquals(5, ((ToolError.External) uncaught).line());
    }

    @Test
    void anExceptionInTheScriptIsAnExecutionErrorWithItsLineAndContext() {
        ToolError e = failure("a = 1\nb = 2\nc = {}['missing']\nd = 4\ne = 5\n", Map.of(), new Externals());
        ToolError.Execution ex = assertInstanceOf(ToolError.Execution.class, e);
        assertEquals(3, ex.line());
        assertEquals("KeyError", ex.pythonType());
        assertTrue(ex.context().contains(">    3 | c = {}['missing']"), ex.context());
        assertTrue(ex.context().contains("1 | a = 1") && ex.context().contains("5 | e = 5"), ex.context());
    }

    @Test
    void aResultThatIsNotJsonIsAnOutputError() {
        assertInstanceOf(ToolError.Output.class, failure("{1, 2}", Map.of(), new Externals()));
        assertInstanceOf(ToolError.Output.class, failure("float('nan')", Map.of(), new Externals()));
    }

    @Test
    void aBrokenToolIsRefusedWithItsFindings() {
        ToolError e = failure("import os\nos.getcwd()", Map.of(), new Externals());
        assertInstanceOf(ToolError.Check.class, e);
        assertTrue(e.message().contains("PYM002"), e.message());
    }

    @Test
    void readFileReadsInsideTheRepositoryOnly(@TempDir Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("a.py"), "x = 1\n");
        Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(repo.resolve("link.txt"), dir.resolve("secret.txt"));
        Externals externals = HostExternals.standard(repo);
        String source = "from grail import Input, external, ExternalError\np: str = Input('p')\n@external\n"
                + "async def read_file(path: str) -> str: ...\nasync def main():\n    try:\n        return await read_file(p)\n"
                + "    except ExternalError as e:\n        return 'denied: ' + str(e)";
        assertEquals("x = 1\n", Tools.run(source, Map.of("p", TextNode.valueOf("a.py")), externals, null).value().asText());
        assertEquals("x = 1\n", Tools.run(source, Map.of("p", TextNode.valueOf(repo.resolve("a.py").toString())), externals, null)
                .value().asText());
        for (String bad : new String[] {"../secret.txt", dir.resolve("secret.txt").toString(), "link.txt", "/etc/passwd", "nope.py"}) {
            String answer = Tools.run(source, Map.of("p", TextNode.valueOf(bad)), externals, null).value().asText();
            assertTrue(answer.startsWith("denied: "), bad + " -> " + answer);
        }
    }

    @Test
    void aStringFromTheHostArrivesExactlyAsSentWhateverItLooksLike() {
        for (String text : new String[] {"", "s", "{\"ok\": 1}", "sss\n", "caf\u00e9 \ud83d\ude00 \\ \"q\" \t\u0000end"}) {
            Externals externals = new Externals().add("give", "give() -> str", args -> TextNode.valueOf(text));
            String source = "from grail import external\n@external\ndef give() -> str: ...\ngive()";
            assertEquals(text, Tools.run(source, Map.of(), externals, null).value().asText());
        }
    }

    @Test
    void theSeedExtractorRunsUnchanged(@TempDir Path repo) throws Exception {
        String seed = Files.readString(Path.of("bench/seed/extract_signatures.pym"));
        Files.writeString(repo.resolve("m.py"), """
                import functools

                class Greeter(object):
                    \"\"\"Says hello.\"\"\"

                    @functools.cache
                    def greet(self, name: str) -> str:
                        return "hi " + name

                async def fetch(url):
                    return url
                """);
        JsonNode out = Tools.run(seed, Map.of("file_path", TextNode.valueOf("m.py")), HostExternals.standard(repo), null).value();
        assertEquals("m.py", out.get("file_path").asText());
        Map<String, String> signatures = new java.util.TreeMap<>();
        out.get("nodes").forEach(n -> signatures.put(n.get("name").asText(), n.get("signature").asText()));
        assertEquals(Map.of("Greeter", "class Greeter(object)", "greet", "def greet(self, name: str) -> str",
                "fetch", "async def fetch(url)"), signatures);
    }
}
