package dev.nodestate.hub.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nodestate.hub.index.Discovery;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files over the size limit are said, counted and never parsed; the limit itself has a measured ceiling. */
class LargeFilesTest {

    @TempDir
    Path repo;

    /** A generated Python file of about {@code bytes} bytes (valid code: functions, one after the other). */
    private static String python(long bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < bytes; i++) {
            sb.append("def f").append(i).append("(x):\n    return x + ").append(i).append("\n\n\n");
        }
        return sb.toString();
    }

    @Test
    void a_max_file_size_over_the_ceiling_is_a_usage_error_naming_the_ceiling_and_why() {
        for (String command : new String[] {"index", "watch"}) {
            CliHarness.Result r = CliHarness.hub(command, "--max-file-size", String.valueOf(9L << 20), repo.toString());
            assertEquals(2, r.code(), command + ": " + r.err());
            assertTrue(r.err().contains("over the ceiling of " + Discovery.MAX_BYTES_CEILING + " bytes"), r.err());
            assertTrue(r.err().contains("read_file") && r.err().contains("Large files"), "says why: " + r.err());
        }
        assertEquals(2, CliHarness.hub("index", "--max-file-size", "0", repo.toString()).code());
        assertFalse(Files.exists(repo.resolve(".agentfs/hub_state")), "refused before opening the store");
    }

    @Test
    void every_file_over_the_limit_is_named_with_its_size_and_the_limit_counted_and_in_the_json_summary() throws Exception {
        Files.writeString(repo.resolve("small.py"), "def ok():\n    return 1\n");
        Files.writeString(repo.resolve("big.py"), python(300_000));
        Files.createDirectories(repo.resolve("pkg"));
        Files.writeString(repo.resolve("pkg/huge.py"), python(400_000));

        CliHarness.Result r = CliHarness.hub("index", "--once", "--max-file-size", "200000", repo.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("(2 too large)"), r.err());
        long big = Files.size(repo.resolve("big.py"));
        assertTrue(r.err().contains("skipped big.py: ") && r.err().contains("(" + big + " bytes) is over the file-size limit of 195.3 KB"),
                r.err());
        assertTrue(r.err().contains("skipped pkg/huge.py: ") && r.err().contains("--max-file-size"), "says how to raise it: " + r.err());

        CliHarness.Result json = CliHarness.hub("index", "--once", "--json", "--max-file-size", "200000", repo.toString());
        assertEquals(0, json.code(), json.err());
        JsonNode tooLarge = json.json().path("too_large");
        assertEquals(2, tooLarge.size(), json.out());
        assertEquals("big.py", tooLarge.get(0).path("path").asText());
        assertEquals(big, tooLarge.get(0).path("bytes").asLong());
        assertEquals(200000, tooLarge.get(0).path("limit").asLong());
    }
}
