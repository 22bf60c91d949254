package dev.nodestate.hub.cli;

import static dev.nodestate.hub.cli.CliHarness.hub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.cli.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @Test
    void helpAndVersionPrintToStdoutAndExitZero() {
        Result help = hub("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("tools"), help.out());
        Result version = hub("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("hub "), version.out());
        assertTrue(version.out().contains("GraalPy"), version.out());
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageError() {
        assertEquals(2, hub("frobnicate").code());
        assertEquals(2, hub("tools", "run").code());
    }

    @Test
    void toolsCheckListsEveryFindingOfEveryFileAndExitsSeven(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.pym"), "import os\nos.getcwd()\n");
        Files.writeString(dir.resolve("b.pym"), "x = 1\neval('1')\n");
        Files.writeString(dir.resolve("c.pym"), "1\n");
        Result text = hub("tools", "check", dir.toString());
        assertEquals(7, text.code());
        assertTrue(text.out().contains("a.pym:1:1: error PYM002"), text.out());
        assertTrue(text.out().contains("b.pym:2:1: error PYM007"), text.out());
        assertTrue(text.err().contains("3 file(s) checked: 2 error(s)"), text.err());

        Result json = hub("tools", "check", "--json", dir.toString());
        assertEquals(7, json.code());
        JsonNode report = json.json();
        assertEquals(3, report.size());
        assertEquals("PYM002", report.get(0).get("findings").get(0).get("code").asText());
        assertEquals(1, report.get(0).get("findings").get(0).get("line").asInt());
        assertEquals("ok", report.get(2).get("status").asText());
    }

    @Test
    void toolsCheckFailsCodeThatParsesButDoesNotCompileWithFileAndLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.pym"), "\"\"\"Returns at module level.\"\"\"\nx = 1\nreturn x\n");
        Result text = hub("tools", "check", dir.toString());
        assertEquals(7, text.code(), text.out() + text.err());
        assertTrue(text.out().contains("bad.pym:3:"), text.out());
        assertTrue(text.out().contains("PYM001") && text.out().contains("'return' outside function"), text.out());
    }

    @Test
    void toolsListShowsInputsExternalsLimitsAndStatus(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("count.pym"), """
                \"\"\"Counts lines of a file.\"\"\"
                # limits: strict
                from grail import Input, external
                path: str = Input("path")
                @external
                async def read_file(path: str) -> str: ...
                async def main():
                    return len((await read_file(path)).splitlines())
                """);
        JsonNode tools = hub("tools", "--tools", dir.toString(), "list", "--json").json();
        JsonNode count = tools.get(0);
        assertEquals("count", count.get("name").asText());
        assertEquals("ok", count.get("status").asText());
        assertEquals("path", count.get("inputs").get(0).get("name").asText());
        assertEquals("async read_file(path: str) -> str", count.get("externals").get(0).asText());
        assertEquals(500, count.get("limits").get("time_ms").asInt());
        assertTrue(hub("tools", "--tools", dir.toString(), "list").out().contains("count"));
    }

    @Test
    void toolsRunPrintsTheResultAndMapsFailuresToExitFour(@TempDir Path dir) throws Exception {
        Path tools = Files.createDirectories(dir.resolve("tools"));
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("a.py"), "one\ntwo\n");
        Files.writeString(tools.resolve("count.pym"), """
                from grail import Input, external
                path: str = Input("path")
                @external
                async def read_file(path: str) -> str: ...
                async def main():
                    print("counting", path)
                    return len((await read_file(path)).splitlines())
                """);
        Result ok = hub("tools", "--tools", tools.toString(), "run", "count", "-i", "path=a.py", repo.toString());
        assertEquals(0, ok.code(), ok.err());
        assertEquals("2", ok.out().strip());
        assertTrue(ok.err().contains("counting a.py"), ok.err());

        Result json = hub("tools", "--tools", tools.toString(), "run", "count", "--json", "-i", "path=a.py", repo.toString());
        assertEquals(2, json.json().get("result").asInt());

        Result missing = hub("tools", "--tools", tools.toString(), "run", "count", "-i", "path=nope.py", repo.toString());
        assertEquals(4, missing.code());
        assertTrue(missing.err().startsWith("hub: ExternalError in count"), missing.err());

        Result unknown = hub("tools", "--tools", tools.toString(), "run", "nothing", repo.toString());
        assertEquals(3, unknown.code());
        assertTrue(unknown.err().contains("no tool 'nothing'"), unknown.err());

        Result badLimits = hub("tools", "--tools", tools.toString(), "run", "count", "--limits", "fast", repo.toString());
        assertEquals(2, badLimits.code());
    }
}
