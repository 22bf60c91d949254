package dev.nodestate.hub.serve;

import dev.nodestate.hub.store.NodeStore;
import dev.nodestate.hub.trace.TraceLog;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The hub's Unix domain socket ({@code .agentfs/hub.sock}, mode 0600), one platform thread per
 * connection. Two framings share the socket, told apart by what the client does:
 * <ul>
 * <li><b>seed</b>: the client writes one JSON object (no newline) and then waits or half-closes;
 *     the server answers with one JSON document and closes. This is the original Python client.
 * <li><b>NDJSON</b>: the client ends a request with {@code \n}; the server answers with one line and
 *     keeps the connection for the next request.
 * </ul>
 * Rule: bytes are scanned as they arrive. A newline outside any JSON object/array ends a request in
 * NDJSON mode (and once a connection has sent one, every newline does). A JSON object or array
 * that is complete at the end of what has arrived, with no newline after it, is a seed request.
 * EOF ends the request in hand. Requests over {@link #MAX_REQUEST} bytes are answered with an error
 * without being decoded.
 */
public final class HubServer implements AutoCloseable {

    /** Largest request decoded, in bytes. */
    public static final int MAX_REQUEST = 1 << 20;

    /** What the daemon tells the server about itself. */
    public interface Probe {
        /** Node jobs waiting in the scheduler. */
        int queueDepth();

        /** When the hub last finished a batch or the cold start; null before that. */
        Instant lastUpdate();

        /**
         * What the hub is doing now, for {@code status} and {@code health}: {@code "starting: checking tools"} and the
         * like while it starts (the socket serves the stored state meanwhile), then {@code "watching"}.
         */
        default String phase() {
            return "serving";
        }

        /** Source files left out for their size ({@code Discovery.TooLarge}: path, bytes, limit), for {@code status}. */
        default java.util.Collection<?> tooLarge() {
            return java.util.List.of();
        }

        /** True until the hub has loaded its tools: run_tool waits for them (see {@link Requests}) instead of refusing. */
        default boolean starting() {
            return false;
        }

        Probe NONE = new Probe() {
            @Override
            public int queueDepth() {
                return 0;
            }

            @Override
            public Instant lastUpdate() {
                return null;
            }
        };
    }

    /**
     * Settings: the freshness age threshold, the hint queue's size, how long a connection may sit idle (no byte
     * received, no reply being written) before the server closes it, and how many connections may be open at once
     * (one more is answered with an error and closed).
     */
    public record Options(Duration maxAge, int hintCapacity, Duration idleTimeout, int maxConnections) {
        public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
        public static final int MAX_CONNECTIONS = 128;
        public static final Options DEFAULT = new Options(Duration.ofHours(24), 1024);

        public Options {
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("the socket's idle timeout must be positive, not " + idleTimeout);
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("the socket's connection cap must be at least 1, not " + maxConnections);
            }
        }

        public Options(Duration maxAge, int hintCapacity) {
            this(maxAge, hintCapacity, IDLE_TIMEOUT, MAX_CONNECTIONS);
        }
    }

    private final Path socket;
    private final Path repo;
    private final ServerSocketChannel server;
    private final Requests requests;
    private final HintQueue hints;
    private final TraceLog contextTrace;
    private final TraceLog hintTrace;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Options options;
    private final Thread acceptor;
    private final Thread reaper;
    private volatile boolean closed;

    private HubServer(Path repo, Path socket, ServerSocketChannel server, Requests requests, HintQueue hints,
            TraceLog contextTrace, TraceLog hintTrace, Options options) {
        this.repo = repo;
        this.options = options;
        this.socket = socket;
        this.server = server;
        this.requests = requests;
        this.hints = hints;
        this.contextTrace = contextTrace;
        this.hintTrace = hintTrace;
        this.acceptor = Thread.ofPlatform().daemon().name("hub-socket").unstarted(this::accept);
        this.reaper = Thread.ofPlatform().daemon().name("hub-socket-idle").unstarted(this::reapIdle);
    }

    /**
     * Binds the socket of {@code repo} and starts serving {@code store}. {@code refresh} gets the
     * repo-relative file of every accepted hint; {@code warn} gets messages for the user (a fallback
     * socket path).
     */
    public static HubServer start(Path repo, NodeStore store, Probe probe, Consumer<String> refresh, Options options,
            Consumer<String> warn) throws IOException {
        Path root = repo.toAbsolutePath().normalize();
        Path socket = SocketPath.prepare(root, warn);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket), 256);
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(socket);
            throw new IOException("cannot serve on " + socket + ": " + e.getMessage(), e);
        }
        TraceLog contextTrace = TraceLog.openBatched(root, "context"); // a line per request: group-committed
        TraceLog hintTrace = TraceLog.open(root, "hints");
        HintQueue hints = new HintQueue(options.hintCapacity(), hintTrace, refresh);
        Clock clock = Clock.systemUTC();
        Requests requests = new Requests(root, store, new Freshness(root, options.maxAge(), clock), contextTrace, hints, probe, clock);
        requests.socket(socket);
        HubServer s = new HubServer(root, socket, server, requests, hints, contextTrace, hintTrace, options);
        s.acceptor.start();
        s.reaper.start();
        return s;
    }

    public Path socket() {
        return socket;
    }

    /** Serves {@code similar} and unresolved calls from the hub's cross-file analysis. */
    public HubServer withAnalysis(dev.nodestate.hub.refs.CrossFileAnalysis analysis) {
        requests.analysis(analysis);
        return this;
    }

    /** Serves run_tool with the hub's tools, runtime and externals (without it run_tool is refused). */
    public HubServer withTools(dev.nodestate.hub.tool.ToolRegistry tools, dev.nodestate.hub.tool.ToolHost host,
            dev.nodestate.hub.tool.Externals externals, Path toolsDir) {
        requests.tools(new ToolRequests(tools, host, externals, toolsDir));
        return this;
    }

    /** Serves rules_explain with the hub's rules in service (without it rules_explain is refused). */
    public HubServer withRules(dev.nodestate.hub.rules.RulesRegistry rules, NodeStore store) {
        requests.rules(new RulesRequests(store, rules));
        return this;
    }

    private void accept() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                System.err.println("hub: socket accept failed: " + e.getMessage());
                continue;
            }
            if (clients.size() >= options.maxConnections()) {
                refuse(ch);
                continue;
            }
            clients.add(ch);
            // a platform thread per connection: its blocking read wakes it directly; a virtual thread is woken by the
            // poller and then needs a carrier. Measured (bench/socket.sh, 16 clients): platform p50 0.75-0.83 ms,
            // p99 5.3-5.6 ms; virtual p50 0.13 ms, p99 14 ms, max 159 ms. The tail matters more to agents.
            Thread.ofPlatform().daemon().name("hub-conn").stackSize(512 * 1024).start(() -> serve(ch));
        }
    }

    /** One connection over the cap: an error line, then closed (the client sees why, not a hang). */
    private void refuse(SocketChannel ch) {
        try (ch) {
            ch.configureBlocking(false); // never let a client that does not read block the acceptor
            ch.write(ByteBuffer.wrap((Requests.error("busy: " + options.maxConnections() + " connections are open, the most "
                    + "this hub serves at once; close one (or reuse a connection, one request per line) and retry") + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            // the client went away
        }
    }

    private void serve(SocketChannel ch) {
        Connection c = new Connection(ch);
        connections.add(c);
        try (ch) {
            c.run();
        } catch (IOException e) {
            // the client went away, or was idle too long
        } finally {
            connections.remove(c);
            clients.remove(ch);
        }
    }

    /** Closes connections with no byte received and no reply written for longer than the idle timeout. */
    private void reapIdle() {
        long timeout = options.idleTimeout().toNanos();
        long period = Math.max(10, Math.min(1_000, options.idleTimeout().toMillis() / 4));
        while (!closed) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Connection c : connections) {
                if (!c.replying && now - c.lastActive > timeout) {
                    try {
                        c.ch.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
            }
        }
    }

    /** One connection's framing state. */
    private final class Connection {
        private final SocketChannel ch;
        private byte[] msg = new byte[1024];
        private int len;
        private boolean oversized;
        private boolean content; // a non-whitespace byte in the current request
        private int depth;
        private boolean inString;
        private boolean escape;
        private boolean structured; // the request opened an object or array
        private boolean ndjson;
        private volatile long lastActive = System.nanoTime();
        private volatile boolean replying;

        Connection(SocketChannel ch) {
            this.ch = ch;
        }

        void run() throws IOException {
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (!closed) {
                in.clear();
                int n = ch.read(in);
                lastActive = System.nanoTime();
                if (n < 0) {
                    if (content) {
                        reply(ndjson);
                    }
                    return;
                }
                byte[] a = in.array();
                for (int i = 0; i < n; i++) {
                    byte b = a[i];
                    if (b == '\n' && (ndjson || depth <= 0)) {
                        ndjson = true;
                        if (content) {
                            reply(true);
                        } else {
                            reset();
                        }
                        continue;
                    }
                    scan(b);
                }
                if (!ndjson && structured && depth <= 0 && !inString) {
                    reply(false); // seed framing: one object, no newline: answer and close
                    return;
                }
            }
        }

        private void scan(byte b) {
            if (len < MAX_REQUEST) {
                if (len == msg.length) {
                    msg = java.util.Arrays.copyOf(msg, Math.min(MAX_REQUEST, msg.length * 2));
                }
                msg[len++] = b;
            } else {
                oversized = true;
            }
            if (inString) {
                if (escape) {
                    escape = false;
                } else if (b == '\\') {
                    escape = true;
                } else if (b == '"') {
                    inString = false;
                }
                return;
            }
            switch (b) {
                case ' ', '\t', '\r', '\n' -> { }
                case '{', '[' -> {
                    depth++;
                    structured = true;
                    content = true;
                }
                case '}', ']' -> {
                    depth--;
                    content = true;
                }
                case '"' -> {
                    inString = true;
                    content = true;
                }
                default -> content = true;
            }
        }

        private void reply(boolean line) throws IOException {
            replying = true;
            try {
                write(line);
            } finally {
                lastActive = System.nanoTime();
                replying = false;
            }
        }

        private void write(boolean line) throws IOException {
            String answer = oversized
                    ? Requests.error("request refused: larger than " + MAX_REQUEST + " bytes (1 MiB); send smaller requests")
                    : requests.answer(msg, len);
            byte[] out = (line ? answer + "\n" : answer).getBytes(StandardCharsets.UTF_8);
            ByteBuffer buf = ByteBuffer.wrap(out);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            reset();
        }

        private void reset() {
            len = 0;
            oversized = false;
            content = false;
            depth = 0;
            inString = false;
            escape = false;
            structured = false;
            if (msg.length > 64 * 1024) {
                msg = new byte[1024];
            }
        }
    }

    /** Waits until every context served so far is in its trace file. */
    public void syncTraces() throws InterruptedException {
        contextTrace.sync();
    }

    /** Stops accepting, closes every connection, drains the hint queue, removes the socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (SocketChannel ch : clients) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        reaper.interrupt();
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        hints.close();
        contextTrace.close();
        hintTrace.close();
        try {
            Files.deleteIfExists(socket);
            if (!socket.equals(SocketPath.preferred(repo))) {
                Files.deleteIfExists(SocketPath.pointer(repo));
            }
        } catch (IOException e) {
            System.err.println("hub: cannot remove " + socket + ": " + e.getMessage());
        }
    }
}
