package dev.nodestate.hub.bench;

import dev.nodestate.hub.serve.HubServer;
import dev.nodestate.hub.store.FileIndex;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Socket benchmark: a HubServer on a temp store with one node; N clients on kept NDJSON connections
 * send get_context for that node until the total is reached. Prints median and p99 round trips.
 *   bench/socket.sh [--clients 16] [--requests 50000]
 */
public final class SocketBenchmark {

    public static void main(String[] args) throws Exception {
        int clients = 16;
        int total = 50_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--requests" -> total = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path repo = Files.createTempDirectory("hub-socket-bench");
        String source = "def f(x):\n    \"\"\"Doc.\"\"\"\n    return g(x)\n";
        Files.writeString(repo.resolve("a.py"), source);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8)));
        int failures = 0;
        long[] lat = new long[total];
        long wall;
        try (NodeStore store = NodeStore.open(repo)) {
            NodeState f = NodeState.create(NodeId.parse("a.py::f"), "f", NodeState.Type.FUNCTION, "s", hash, Instant.now(),
                    NodeState.Source.COLD_START).with(Map.of("signature", "def f(x)", "docstring", "Doc.", "callees", List.of("a.py::g"),
                    "callers", List.of(), "complexity", 1, "line_count", 3, "language", "python"));
            store.replaceFile(new FileIndex("a.py", hash, 0, Instant.now(), null), List.of(f));
            try (HubServer server = HubServer.start(repo, store, HubServer.Probe.NONE, p -> { }, HubServer.Options.DEFAULT,
                    System.err::println)) {
                byte[] request = "{\"type\":\"get_context\",\"nodes\":[\"a.py::f\"],\"requester\":\"bench\"}\n".getBytes(StandardCharsets.UTF_8);
                AtomicInteger next = new AtomicInteger();
                AtomicInteger errors = new AtomicInteger();
                // warm-up
                run(server.socket(), request, 2_000, new long[2_000], new AtomicInteger(), errors, 4);
                errors.set(0);
                long t0 = System.nanoTime();
                run(server.socket(), request, total, lat, next, errors, clients);
                wall = System.nanoTime() - t0;
                failures = errors.get();
            }
        }
        Arrays.sort(lat);
        System.out.printf("socket get_context: %d clients, %d requests on kept NDJSON connections, %d errors%n", clients, total, failures);
        System.out.printf("  round trip p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms; %.0f requests/s%n",
                lat[total / 2] / 1e6, lat[(int) (total * 0.9)] / 1e6, lat[(int) (total * 0.99)] / 1e6, lat[total - 1] / 1e6,
                total / (wall / 1e9));
        System.out.printf("  targets p50 <= 0.2 ms, p99 <= 2 ms: %s%n",
                lat[total / 2] <= 200_000 && lat[(int) (total * 0.99)] <= 2_000_000 && failures == 0 ? "met" : "NOT met");
        System.exit(failures == 0 ? 0 : 1);
    }

    private static void run(Path socket, byte[] request, int total, long[] lat, AtomicInteger next, AtomicInteger errors,
            int clients) throws InterruptedException {
        Thread[] threads = new Thread[clients];
        for (int c = 0; c < clients; c++) {
            threads[c] = Thread.ofPlatform().start(() -> {
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                    int i;
                    while ((i = next.getAndIncrement()) < total) {
                        long t = System.nanoTime();
                        ByteBuffer b = ByteBuffer.wrap(request);
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                        String line = in.readLine();
                        lat[i] = System.nanoTime() - t;
                        if (line == null || !line.startsWith("{\"nodes\":{\"a.py::f\":")) {
                            errors.incrementAndGet();
                            if (line == null) {
                                return;
                            }
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
