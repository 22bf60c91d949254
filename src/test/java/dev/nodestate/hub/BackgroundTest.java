package dev.nodestate.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BackgroundTest {

    /** The nice value of the calling thread, from /proc (field 19 of stat, after the parenthesised name). */
    private static int niceOfThisThread() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBulkThreadRunsAtNiceTenWhileTheThreadThatStartedItKeepsItsPriority() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")) && System.getenv("HUB_BULK_NICE") == null, "Linux /proc only");
        int before = niceOfThisThread();
        CompletableFuture<Integer> bulk = new CompletableFuture<>();
        Background.threads("test-bulk-").newThread(() -> bulk.complete(niceOfThisThread())).start();
        assertEquals(Math.max(before, 10), bulk.get());
        assertEquals(before, niceOfThisThread());
    }
}
