package dev.nodestate.hub.serve;

import dev.nodestate.hub.HubException;
import dev.nodestate.hub.HubException.ExitCode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a repository's hub socket lives: {@code <repo>/.agentfs/hub.sock}, or, when that path is
 * too long for a Unix socket (sun_path holds 108 bytes; we keep under {@link #MAX_BYTES}),
 * {@code /tmp/hub-<hash of the repo path>.sock} with the actual path written to
 * {@code .agentfs/hub.sock.path} so clients find it.
 */
public final class SocketPath {

    /** Longest socket path we bind (bytes); the kernel's limit is 107 plus the terminating NUL. */
    static final int MAX_BYTES = 100;

    private SocketPath() {
    }

    public static Path preferred(Path repo) {
        return repo.toAbsolutePath().normalize().resolve(".agentfs").resolve("hub.sock");
    }

    public static Path pointer(Path repo) {
        return repo.toAbsolutePath().normalize().resolve(".agentfs").resolve("hub.sock.path");
    }

    static Path fallback(Path repo) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    repo.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return Path.of("/tmp", "hub-" + HexFormat.of().formatHex(digest, 0, 8) + ".sock");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean fits(Path socket) {
        return socket.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }

    /** The socket a client should dial for {@code repo}: the one named in hub.sock.path, else the preferred one. */
    public static Path find(Path repo) {
        Path pointer = pointer(repo);
        if (Files.isRegularFile(pointer)) {
            try {
                String text = Files.readString(pointer).strip();
                if (!text.isEmpty()) {
                    return Path.of(text);
                }
            } catch (IOException e) {
                // fall through to the default
            }
        }
        return preferred(repo);
    }

    /** True when something accepts connections on {@code socket}. */
    static boolean live(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Prepares the path the server binds for {@code repo}: picks the fallback when the preferred path
     * is too long (saying so through {@code warn}), removes a stale socket file, refuses when a live
     * server already listens there, and writes or removes hub.sock.path.
     */
    static Path prepare(Path repo, java.util.function.Consumer<String> warn) throws IOException {
        Path socket = preferred(repo);
        Path pointer = pointer(repo);
        Files.createDirectories(socket.getParent());
        if (!fits(socket)) {
            Path fb = fallback(repo);
            warn.accept("the socket path " + socket + " is " + socket.toString().getBytes(StandardCharsets.UTF_8).length
                    + " bytes, longer than a Unix socket path may be (~" + MAX_BYTES + "); serving on " + fb
                    + " instead (written to " + pointer + " for clients)");
            socket = fb;
        }
        if (Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (live(socket)) {
                throw new HubException(ExitCode.BUSY, "another server already listens on " + socket
                        + "; stop that hub (`hub stop " + repo + "`) first");
            }
            Files.delete(socket); // stale: left by a killed hub
        }
        if (socket.equals(preferred(repo))) {
            Files.deleteIfExists(pointer);
        } else {
            Path tmp = Files.createTempFile(pointer.getParent(), "hub.sock.path", ".tmp");
            Files.writeString(tmp, socket + "\n");
            Files.move(tmp, pointer, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return socket;
    }
}
