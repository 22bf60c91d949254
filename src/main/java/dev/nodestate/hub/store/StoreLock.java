package dev.nodestate.hub.store;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may open a node store for writing, and a clear message when someone else has it.
 *
 * <p>Xodus takes an OS file lock on {@code xd.lck}. Two traps, both measured with 2.0.1: when a
 * second open of the same directory fails inside the same JVM, closing its lock file drops the
 * first environment's lock (POSIX locks belong to the process), after which another process could
 * open the store for writing too. So this JVM keeps the set of directories it holds and refuses a
 * second open before Xodus is asked. And Xodus reports a lock failure only as a generic
 * ExodusException, so a failed open is diagnosed by probing the lock file ourselves.
 */
final class StoreLock {

    /** Directories this JVM holds open for writing; mirrors the process-wide OS lock (see above). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private static final Pattern XODUS_OWNER = Pattern.compile("Private property of Exodus: (\\d+)@");

    private StoreLock() {
    }

    static void claim(Path dir) {
        if (!HELD.add(dir)) {
            throw new HubException(ExitCode.BUSY, "the node store at " + dir + " is already open in this process (pid "
                    + ProcessHandle.current().pid() + "); share that NodeStore instead of opening it twice");
        }
    }

    static void release(Path dir) {
        HELD.remove(dir);
    }

    /** Turns a failed writable open into a BUSY message if another process holds the lock. */
    static HubException diagnose(Path dir, Path repoRoot, RuntimeException failure) {
        if (lockedElsewhere(dir)) {
            OptionalLong pid = ownerPid(dir, repoRoot);
            String who = pid.isPresent() ? "pid " + pid.getAsLong() : "pid unknown: no live pid in " + pidFile(repoRoot);
            return new HubException(ExitCode.BUSY, "the node store at " + dir + " is locked by another hub process ("
                    + who + "); stop it with `hub stop` or query it through the socket");
        }
        String reason = String.valueOf(failure.getMessage()).lines().findFirst().orElse("").strip();
        return new HubException(ExitCode.FAILURE, "cannot open the node store at " + dir + ": " + reason
                + " (it holds derived state: moving it aside makes the hub rebuild it)", failure);
    }

    static Path pidFile(Path repoRoot) {
        return repoRoot.resolve(".agentfs").resolve("hub.pid");
    }

    /** True when another process holds {@code xd.lck}; only called when this JVM does not hold it. */
    private static boolean lockedElsewhere(Path dir) {
        Path lockFile = dir.resolve("xd.lck");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held in this JVM outside NodeStore
        } catch (IOException e) {
            return false;
        }
    }

    /** The pid in {@code .agentfs/hub.pid} if that process lives, else the owner Xodus wrote in the lock file. */
    private static OptionalLong ownerPid(Path dir, Path repoRoot) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(repoRoot)).strip());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return OptionalLong.of(pid);
            }
        } catch (IOException | NumberFormatException e) {
            // no usable pid file: fall back to the lock file
        }
        try {
            Matcher m = XODUS_OWNER.matcher(Files.readString(dir.resolve("xd.lck")));
            return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
