package dev.nodestate.hub.watch;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;

/**
 * {@code .agentfs/hub.pid}: one hub per repository. A pid file whose process is gone (a killed
 * hub) is taken over; one whose process is alive means another hub runs, and we say which.
 */
public final class PidFile implements AutoCloseable {

    private final Path file;
    private final long pid;

    private PidFile(Path file, long pid) {
        this.file = file;
        this.pid = pid;
    }

    public static Path of(Path repo) {
        return repo.resolve(".agentfs").resolve("hub.pid");
    }

    /** The pid of a live hub on {@code repo}, if any. */
    public static OptionalLong running(Path repo) {
        Path file = of(repo);
        try {
            long pid = Long.parseLong(Files.readString(file).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent() ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Throws BUSY, naming the pid, when another live hub holds {@code repo}. */
    public static void refuseIfRunning(Path repo) {
        OptionalLong other = running(repo);
        if (other.isPresent() && other.getAsLong() != ProcessHandle.current().pid()) {
            throw new HubException(ExitCode.BUSY, "a hub is already running on " + repo + " (pid " + other.getAsLong()
                    + "); stop it with `hub stop " + repo + "`, or use `hub show` / `hub find`, which read its store");
        }
    }

    public static PidFile claim(Path repo) {
        refuseIfRunning(repo);
        long self = ProcessHandle.current().pid();
        Path file = of(repo);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "hub.pid", ".tmp");
            Files.writeString(tmp, self + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HubException(ExitCode.FAILURE, "cannot write " + file + ": " + e.getMessage(), e);
        }
        return new PidFile(file, self);
    }

    @Override
    public void close() {
        try {
            if (Files.readString(file).strip().equals(Long.toString(pid))) {
                Files.delete(file);
            }
        } catch (IOException e) {
            // already gone
        }
    }
}
