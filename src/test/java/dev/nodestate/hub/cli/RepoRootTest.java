package dev.nodestate.hub.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoRootTest {

    @TempDir
    Path dir;

    @Test
    void aSubfolderResolvesToTheNearestFolderHoldingAgentfsOrAVcsRoot() throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve(".git"));
        Files.createDirectories(repo.resolve("a/b/c"));
        assertEquals(repo, RepoRoot.search(repo.resolve("a/b/c")));
        Files.createDirectories(repo.resolve("a/.agentfs"));
        assertEquals(repo.resolve("a"), RepoRoot.search(repo.resolve("a/b/c")));
    }

    @Test
    void withoutAnyMarkerTheStartFolderIsTheRepository() throws Exception {
        Path plain = Files.createDirectories(dir.resolve("plain/x"));
        // /tmp and its parents hold no marker on these machines; the answer is the folder itself or a marker above
        Path found = RepoRoot.search(plain);
        assertEquals(true, found.equals(plain) || !found.startsWith(dir), found.toString());
    }

    @Test
    void aPathGivenOnTheCommandLineIsTakenAsItIs() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("r/sub"));
        Files.createDirectories(dir.resolve("r/.git"));
        assertEquals(sub, RepoRoot.of(sub));
    }
}
