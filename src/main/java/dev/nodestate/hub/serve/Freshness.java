package dev.nodestate.hub.serve;

import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The content-hash freshness rule (DESIGN.md): a node is fresh when its stored {@code file_hash}
 * equals the sha256 of its file on disk now and its {@code last_updated} is younger than
 * {@code maxAge}. Files are hashed on demand; hashes are cached by (path, mtime, size), so a repeated
 * question costs one stat.
 */
public final class Freshness {

    private record Stamp(long mtimeNanos, long size, long inode, String sha256) {
    }

    private final Path root;
    private final Duration maxAge;
    private final Clock clock;
    private final ConcurrentHashMap<String, Stamp> cache = new ConcurrentHashMap<>();

    /** The rule for {@code root} with the hub's default age threshold (for readers without a server). */
    public static Freshness forRepo(Path root) {
        return new Freshness(root.toAbsolutePath().normalize(), HubServer.Options.DEFAULT.maxAge(), Clock.systemUTC());
    }

    Freshness(Path root, Duration maxAge, Clock clock) {
        this.root = root;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    Duration maxAge() {
        return maxAge;
    }

    /** The sha256 (hex) of a repo-relative file as it is now; empty when the file is gone. */
    Optional<String> hashOf(String file) {
        Path path = root.resolve(file);
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            long mtime = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            Object key = a.fileKey();
            long inode = key == null ? 0 : key.hashCode();
            Stamp s = cache.get(file);
            if (s != null && s.mtimeNanos == mtime && s.size == a.size() && s.inode == inode) {
                return Optional.of(s.sha256);
            }
            String hash = sha256(path);
            cache.put(file, new Stamp(mtime, a.size(), inode, hash));
            return Optional.of(hash);
        } catch (NoSuchFileException e) {
            cache.remove(file);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The context blob of {@code id}; {@code state} is its stored state, or null when there is none. */
    public HubContextBlob blob(String id, NodeState state) {
        return blob(id, state, null);
    }

    /**
     * As {@link #blob(String, NodeState)}, with the file's recorded problem ({@code FileIndex.error}: the syntax error
     * of its current content, a skip), or null: a node of such a file is never fresh, and the warning says why.
     */
    public HubContextBlob blob(String id, NodeState state, dev.nodestate.hub.store.FileIndex file) {
        HubContextBlob b = plainBlob(id, state);
        if (state == null || file == null || file.error() == null) {
            return b;
        }
        Optional<String> disk = hashOf(state.filePath());
        if (disk.isPresent() && !disk.get().equals(file.fileHash())) {
            return b; // the problem was with an older content; the hub has not caught up with this one
        }
        String warning = "the file's current content was not extracted: " + file.error() + "; this is the state of the"
                + " last content that was (hash " + abbrev(state.fileHash()) + "): read the file yourself";
        return new HubContextBlob(b.nodeId(), b.hubStateKey(), b.signature(), b.docstring(), b.callers(), b.callees(),
                b.relatedTests(), b.complexity(), b.lastUpdated(), HubContextBlob.STALE, b.sourceVersion(), warning);
    }

    private HubContextBlob plainBlob(String id, NodeState state) {
        if (state == null) {
            return new HubContextBlob(id, keyOf(id), null, null, null, null, null, null, null, HubContextBlob.MISSING,
                    null, "the hub has no state for " + id + " (unknown node, or not indexed yet); use your own tools"
                    + " (read the file, grep) for this node");
        }
        Optional<String> disk = hashOf(state.filePath());
        Duration age = Duration.between(state.lastUpdated(), clock.instant());
        String status;
        String warning = null;
        if (disk.isEmpty()) {
            status = HubContextBlob.STALE;
            warning = "the file " + state.filePath() + " is gone or unreadable since the hub stored this node; do not trust"
                    + " this state, use your own tools";
        } else if (!disk.get().equals(state.fileHash())) {
            status = HubContextBlob.STALE;
            warning = "the file " + state.filePath() + " changed since the hub stored this node (hash "
                    + abbrev(state.fileHash()) + " stored, " + abbrev(disk.get()) + " on disk); the hub has not caught up:"
                    + " read the file yourself";
        } else if (age.compareTo(maxAge) >= 0) {
            status = HubContextBlob.STALE;
            warning = "this state is " + age.toHours() + " h old (threshold " + maxAge.toHours()
                    + " h); callers and tests may have changed elsewhere: check with your own tools";
        } else {
            status = HubContextBlob.FRESH;
        }
        return new HubContextBlob(id, state.key(), state.signature(), state.docstring(), state.callers(), state.callees(),
                state.relatedTests(), state.complexity(), state.lastUpdated(), status, state.fileHash(), warning);
    }

    private static String keyOf(String id) {
        try {
            return NodeId.parse(id).key();
        } catch (IllegalArgumentException e) {
            return "node:" + id;
        }
    }

    private static String abbrev(String hash) {
        return hash == null || hash.length() <= 12 ? String.valueOf(hash) : hash.substring(0, 12);
    }

    static String sha256(Path path) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static Instant now(Clock clock) {
        return clock.instant();
    }
}
