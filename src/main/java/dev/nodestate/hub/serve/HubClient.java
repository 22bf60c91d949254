package dev.nodestate.hub.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodestate.hub.store.NodeState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A client of a repository's hub socket: NDJSON on one kept connection, reconnecting after a
 * failure. Short timeouts; when no hub runs (or it does not answer in time) every call returns an
 * empty result instead of throwing, so an agent's turn never breaks on the hub. Not thread-safe:
 * one client per thread.
 */
public final class HubClient implements AutoCloseable {

    private final Path socket;
    private final Duration timeout;
    private SocketChannel channel;
    private Selector selector;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

    public HubClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** A client of the hub of {@code repo} (following hub.sock.path), with a 1 s timeout. */
    public static HubClient forRepo(Path repo) {
        return new HubClient(SocketPath.find(repo), Duration.ofSeconds(1));
    }

    public Path socket() {
        return socket;
    }

    /** Sends one request; the reply, or empty when no hub answers in time. */
    public Optional<JsonNode> request(Map<String, ?> request) {
        try {
            byte[] line = (Requests.JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
            return Optional.of(Requests.JSON.readTree(exchange(line)));
        } catch (IOException | RuntimeException e) {
            disconnect();
            return Optional.empty();
        }
    }

    /** How long a client waits for a tool run in the hub (the hub enforces the tool's own limits). */
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);

    /**
     * Has the running hub of {@code repo} run a tool ({@link ToolRequests}' run_tool request): its reply, or empty when
     * no hub answers or it cannot take this run (another tools directory, hub serve, an older hub), so the caller
     * runs the tool itself. A hub that stops mid-run is an error, not a second run.
     */
    public static Optional<JsonNode> runInHub(Path repo, Map<String, ?> request) {
        Path socket = SocketPath.find(repo.toAbsolutePath().normalize());
        if (!java.nio.file.Files.exists(socket)) {
            return Optional.empty();
        }
        try (HubClient probe = new HubClient(socket, Duration.ofSeconds(1))) {
            if (!probe.healthy()) {
                return Optional.empty();
            }
        }
        Map<String, Object> req = new LinkedHashMap<>(request);
        req.put("type", "run_tool");
        try (HubClient client = new HubClient(socket, RUN_TIMEOUT)) {
            JsonNode reply = client.request(req).orElseThrow(() -> new dev.nodestate.hub.HubException(
                    dev.nodestate.hub.HubException.ExitCode.FAILURE, "the hub on " + socket + " did not answer the tool run"
                    + " (it may have stopped); run it again, or with --in-process"));
            if (!reply.has("ok") || ToolRequests.NOT_HERE.equals(reply.path("error").asText())) {
                return Optional.empty();
            }
            return Optional.of(reply);
        }
    }

    /**
     * Has the running hub of {@code repo} explain its rules in service on a node's last change ({@link RulesRequests}'
     * rules_explain request): its reply (an {@code "error"} reply too, so the caller can say why it used the disk), or
     * empty when no hub answers.
     */
    public static Optional<JsonNode> explainInHub(Path repo, String nodeId) {
        Path socket = SocketPath.find(repo.toAbsolutePath().normalize());
        if (!java.nio.file.Files.exists(socket)) {
            return Optional.empty();
        }
        try (HubClient client = new HubClient(socket, Duration.ofSeconds(5))) {
            return client.request(Map.of("type", "rules_explain", "node", nodeId));
        }
    }

    public boolean healthy() {
        return request(Map.of("type", "health")).map(r -> r.path("status").asText().equals("ok")).orElse(false);
    }

    public Optional<JsonNode> status() {
        return request(Map.of("type", "status")).filter(r -> !r.has("error"));
    }

    /** The seed's get_context: stored states by id, unknown ids left out; empty when no hub runs. */
    public Map<String, NodeState> getContext(List<String> ids, String requester) {
        Map<String, NodeState> out = new LinkedHashMap<>();
        request(Map.of("type", "get_context", "nodes", ids, "requester", requester)).ifPresent(r ->
                r.path("nodes").properties().forEach(e -> out.put(e.getKey(), NodeState.fromJson(e.getValue().toString()))));
        return out;
    }

    /** The context blob of one node (freshness included); empty when no hub runs. */
    public Optional<JsonNode> context(String id, String requester) {
        return request(Map.of("type", "context", "node_id", id, "requester", requester)).map(r -> r.get("context"));
    }

    private String exchange(byte[] line) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        connect();
        ByteBuffer out = ByteBuffer.wrap(line);
        SelectionKey key = channel.keyFor(selector);
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                key.interestOps(SelectionKey.OP_WRITE);
                await(deadline);
            }
        }
        key.interestOps(SelectionKey.OP_READ);
        while (true) {
            byte[] buf = pending.toByteArray();
            for (int i = 0; i < buf.length; i++) {
                if (buf[i] == '\n') {
                    pending.reset();
                    pending.write(buf, i + 1, buf.length - i - 1);
                    return new String(buf, 0, i, StandardCharsets.UTF_8);
                }
            }
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                throw new IOException("the hub closed the connection");
            }
            if (n == 0) {
                await(deadline);
            } else {
                pending.write(in.array(), 0, n);
            }
        }
    }

    private void await(long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || selector.select(left) == 0 && System.nanoTime() >= deadline) {
            throw new IOException("the hub did not answer within " + timeout.toMillis() + " ms");
        }
        selector.selectedKeys().clear();
    }

    private void connect() throws IOException {
        if (channel != null && channel.isOpen()) {
            return;
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            selector = Selector.open();
            ch.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        channel = ch;
        pending.reset();
    }

    private void disconnect() {
        try {
            if (channel != null) {
                channel.close();
            }
            if (selector != null) {
                selector.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        channel = null;
        selector = null;
        pending.reset();
    }

    @Override
    public void close() {
        disconnect();
    }

    static ObjectNode object() {
        return Requests.JSON.createObjectNode();
    }
}
