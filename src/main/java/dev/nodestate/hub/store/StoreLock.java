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
            return new HubException(ExitCode.BUSY, busyMessage(dir, ownerPid(dir, repoRoot), daemonPid(repoRoot)));
        }
        String reason = String.valueOf(failure.getMessage()).lines().findFirst().orElse("").strip();
        return new HubException(ExitCode.FAILURE, "cannot open the node store at " + dir + ": " + reason
                + " (it holds derived state: moving it aside makes the hub rebuild it)", failure);
    }

    /**
     * Who holds the store and what to do: a hub daemon (its pid is in hub.pid) is stopped with {@code hub stop};
     * any other holder (a {@code hub repl} with the store open read-write, a {@code hub index}) is quit, not stopped.
     */
    static String busyMessage(Path dir, OptionalLong owner, OptionalLong daemon) {
        if (owner.isEmpty()) {
            return "the node store at " + dir + " is locked by another process (pid unknown); if a `hub watch` or `hub serve`"
                    + " runs, stop it with `hub stop`, else quit the `hub repl` or `hub index` that holds it";
        }
        long pid = owner.getAsLong();
        String command = hubCommand(arguments(pid));
        String who = "pid " + pid + (command == null ? "" : ", `hub " + command + "`");
        if (daemon.isPresent() && daemon.getAsLong() == pid) {
            return "the node store at " + dir + " is held by the running hub (" + who + "); stop it with `hub stop`"
                    + " or query it through the socket";
        }
        return "the node store at " + dir + " is held by another process (" + who + ")"
                + ("repl".equals(command) ? ", a REPL with the store open read-write: quit it (`quit` or Ctrl-D) first"
                : ": wait for it to finish or quit it first") + "; `hub stop` stops only a hub in .agentfs/hub.pid";
    }

    /** A process's arguments: /proc's command line (the JDK's ProcessHandle.Info drops long ones), else the JDK's. */
    private static java.util.List<String> arguments(long pid) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
            if (!cmdline.isEmpty()) {
                return java.util.List.of(cmdline.split("\0"));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or gone
        }
        return ProcessHandle.of(pid).flatMap(h -> h.info().arguments()).map(java.util.List::of).orElse(java.util.List.of());
    }

    /** The hub subcommand in a JVM's arguments (the word after the main class), or null. */
    static String hubCommand(java.util.List<String> args) {
        int main = args.indexOf("dev.nodestate.hub.cli.Main");
        if (main < 0) {
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i).endsWith("hub.jar") && i > 0 && args.get(i - 1).equals("-jar")) {
                    main = i;
                }
            }
        }
        if (main < 0) {
            return null;
        }
        for (int i = main + 1; i < args.size(); i++) {
            if (!args.get(i).startsWith("-")) {
                return args.get(i);
            }
        }
        return "repl"; // `hub` alone opens the REPL
    }

    /** The live pid in hub.pid that is not this process (a hub claims hub.pid before it opens the store). */
    private static OptionalLong daemonPid(Path repoRoot) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(repoRoot)).strip());
            if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return OptionalLong.of(pid);
            }
        } catch (IOException | NumberFormatException e) {
            // no usable pid file
        }
        return OptionalLong.empty();
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

    /**
     * The lock's owner as Xodus wrote it in the lock file, if that process lives and is not this one; else the live pid
     * in hub.pid other than this process. (hub.pid first was wrong: `hub watch` writes its own pid there before it
     * opens the store, so a watch refused because a REPL held the store named itself.)
     */
    private static OptionalLong ownerPid(Path dir, Path repoRoot) {
        try {
            Matcher m = XODUS_OWNER.matcher(Files.readString(dir.resolve("xd.lck")));
            if (m.find()) {
                long pid = Long.parseLong(m.group(1));
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    return OptionalLong.of(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no readable owner: fall back to the pid file
        }
        return daemonPid(repoRoot);
    }
}
