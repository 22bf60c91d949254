package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nodestate.hub.HubException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {

    @TempDir
    Path repo;

    @Test
    void a_pid_file_of_a_live_process_refuses_a_second_hub_and_names_the_pid() throws Exception {
        Process other = new ProcessBuilder("sleep", "30").start();
        try {
            Files.createDirectories(repo.resolve(".agentfs"));
            Files.writeString(PidFile.of(repo), other.pid() + "\n");
            HubException e = assertThrows(HubException.class, () -> PidFile.claim(repo));
            assertEquals(HubException.ExitCode.BUSY, e.exitCode());
            assertTrue(e.getMessage().contains("pid " + other.pid()), e.getMessage());
        } finally {
            other.destroyForcibly().waitFor();
        }
    }

    @Test
    void a_pid_file_left_by_a_dead_hub_is_taken_over_and_removed_on_close() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.createDirectories(repo.resolve(".agentfs"));
        Files.writeString(PidFile.of(repo), dead.pid() + "\n");
        try (PidFile pid = PidFile.claim(repo)) {
            assertEquals(Long.toString(ProcessHandle.current().pid()), Files.readString(PidFile.of(repo)).strip());
        }
        assertFalse(Files.exists(PidFile.of(repo)));
    }
}
