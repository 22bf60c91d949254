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
import java.nio.channels.ServerSocketChannel;
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
 * Socket benchmark: a HubServer on a temp store with one node; N clients on kept NDJSON connections send get_context
 * for that node until the total is reached. In the same run, the baseline: a minimal Unix-socket server written with
 * the same JDK API (a platform thread per connection, a line in, a fixed reply of the hub's size out) under the same
 * clients. Prints throughput at N clients as a fraction of the echo server's, single-client p50/p99 against the
 * echo round trip, and one client's get_context p99 while a real hub (WatchDaemon) cold-indexes the python3
 * standard library on the same cores.
 *   bench/socket.sh [--clients 16] [--requests 50000] [--no-load]
 */
public final class SocketBenchmark {

    private record Figures(int clients, int requests, int errors, double p50, double p90, double p99, double max, double perSecond) {
        String describe() {
            return String.format("%d client(s), %d requests: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms; %.0f requests/s%s",
                    clients, requests, p50, p90, p99, max, perSecond, errors == 0 ? "" : "; " + errors + " ERRORS");
        }
    }

    private static Figures measure(Path socket, byte[] request, String expect, int total, int clients) throws InterruptedException {
        long[] lat = new long[total];
        AtomicInteger errors = new AtomicInteger();
        run(socket, request, expect, Math.min(2_000, total), new long[Math.min(2_000, total)], new AtomicInteger(), errors, clients);
        errors.set(0);
        long t0 = System.nanoTime();
        run(socket, request, expect, total, lat, new AtomicInteger(), errors, clients);
        long wall = System.nanoTime() - t0;
        Arrays.sort(lat);
        return new Figures(clients, total, errors.get(), lat[total / 2] / 1e6, lat[(int) (total * 0.9)] / 1e6,
                lat[(int) (total * 0.99)] / 1e6, lat[total - 1] / 1e6, total / (wall / 1e9));
    }

    private static final int ROUNDS = 3;

    /** The round with the median throughput. */
    private static Figures median(List<Figures> rounds) {
        List<Figures> sorted = new java.util.ArrayList<>(rounds);
        sorted.sort(java.util.Comparator.comparingDouble(Figures::perSecond));
        return sorted.get(sorted.size() / 2);
    }

    public static void main(String[] args) throws Exception {
        int clients = 16;
        int total = 50_000;
        boolean load = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--requests" -> total = Integer.parseInt(args[++i]);
                case "--no-load" -> load = false;
                case "--help", "-h" -> {
                    System.out.println("bench/socket.sh [--clients N (16)] [--requests N (50000)] [--no-load (skip the cold-index part)]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--help lists them)");
            }
        }
        Path repo = Files.createTempDirectory("hub-socket-bench");
        String source = "def f(x):\n    \"\"\"Doc.\"\"\"\n    return g(x)\n";
        Files.writeString(repo.resolve("a.py"), source);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8)));
        byte[] request = "{\"type\":\"get_context\",\"nodes\":[\"a.py::f\"],\"requester\":\"bench\"}\n".getBytes(StandardCharsets.UTF_8);
        Figures hubMany;
        Figures hubOne;
        Figures echoMany;
        Figures echoOne;
        try (NodeStore store = NodeStore.open(repo)) {
            NodeState f = NodeState.create(NodeId.parse("a.py::f"), "f", NodeState.Type.FUNCTION, "s", hash, Instant.now(),
                    NodeState.Source.COLD_START).with(Map.of("signature", "def f(x)", "docstring", "Doc.", "callees", List.of("a.py::g"),
                    "callers", List.of(), "complexity", 1, "line_count", 3, "language", "python"));
            store.replaceFile(new FileIndex("a.py", hash, 0, Instant.now(), null), List.of(f));
            byte[] reply;
            Path echoSocket = repo.resolve("echo.sock");
            try (HubServer server = HubServer.start(repo, store, HubServer.Probe.NONE, p -> { }, HubServer.Options.DEFAULT,
                    System.err::println)) {
                reply = oneReply(server.socket(), request);
                try (Echo echo = new Echo(echoSocket, reply)) {
                    // both servers (and the client code) warmed alike, then rounds alternate so neither gains from
                    // running later on a warmer JIT or a quieter machine; each server's median round is reported
                    String expect = "{\"nodes\":{\"a.py::f\":";
                    measure(server.socket(), request, expect, total, clients);
                    measure(echoSocket, request, expect, total, clients);
                    List<Figures> hub = new java.util.ArrayList<>();
                    List<Figures> base = new java.util.ArrayList<>();
                    List<Figures> hub1 = new java.util.ArrayList<>();
                    List<Figures> base1 = new java.util.ArrayList<>();
                    for (int round = 0; round < ROUNDS; round++) {
                        hub.add(measure(server.socket(), request, expect, total, clients));
                        base.add(measure(echoSocket, request, expect, total, clients));
                        hub1.add(measure(server.socket(), request, expect, total / 5, 1));
                        base1.add(measure(echoSocket, request, expect, total / 5, 1));
                    }
                    hubMany = median(hub);
                    echoMany = median(base);
                    hubOne = median(hub1);
                    echoOne = median(base1);
                }
            }
        }
        System.out.printf("socket get_context on kept NDJSON connections, against an echo server on the same JDK API"
                + " (median of %d alternating rounds after a warm-up of each)%n", ROUNDS);
        System.out.printf("  hub  %s%n  echo %s%n", hubMany.describe(), echoMany.describe());
        System.out.printf("  throughput at %d clients: hub / echo = %.2f (target >= 0.5)%n", clients, hubMany.perSecond() / echoMany.perSecond());
        System.out.printf("  hub  %s%n  echo %s%n", hubOne.describe(), echoOne.describe());
        System.out.printf("  single client p50: hub / echo = %.2f (target <= 3); p99 hub %.3f ms, echo %.3f ms%n",
                hubOne.p50() / echoOne.p50(), hubOne.p99(), echoOne.p99());
        int failures = hubMany.errors() + hubOne.errors() + echoMany.errors() + echoOne.errors();
        if (load) {
            failures += underColdIndex();
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    /** One client's get_context round trips while a real hub cold-indexes the standard library; returns the errors. */
    private static int underColdIndex() throws Exception {
        Path repo = Files.createTempDirectory("hub-socket-load-");
        int files = IndexBenchmark.copyTree(IndexBenchmark.stdlib("python3"), repo, ".py", IndexBenchmark.SKIPPED_PYTHON_DIRS);
        Path home = Path.of(System.getProperty("hub.home", "."));
        int lanes = dev.nodestate.hub.sandbox.PythonRuntime.defaultLanes();
        dev.nodestate.hub.sandbox.PythonRuntime runtime = dev.nodestate.hub.sandbox.PythonRuntime.start(lanes).awaitReady();
        dev.nodestate.hub.watch.WatchDaemon daemon = new dev.nodestate.hub.watch.WatchDaemon(new dev.nodestate.hub.watch.WatchDaemon.Options(
                repo, home.resolve("tools"), home.resolve("rules"), lanes, 10, 2000, dev.nodestate.hub.index.Discovery.DEFAULT_MAX_BYTES,
                dev.nodestate.hub.triage.DeterministicTriage.DEFAULT_BUDGET, 10_000, null), runtime, new java.io.PrintWriter(System.err, true));
        java.util.concurrent.CountDownLatch indexed = new java.util.concurrent.CountDownLatch(1);
        Thread loop = Thread.ofPlatform().name("bench-daemon").start(() -> {
            try {
                daemon.run(p -> { }, s -> indexed.countDown(), b -> { });
            } catch (Exception e) {
                e.printStackTrace();
            }
        });
        Path socket = repo.resolve(".agentfs/hub.sock");
        long end = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(socket) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        byte[] request = "{\"type\":\"get_context\",\"nodes\":[\"json/__init__.py::dumps\"],\"requester\":\"bench\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        List<Long> lat = new java.util.ArrayList<>();
        int errors = 0;
        int found = 0;
        long t0 = System.nanoTime();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            while (indexed.getCount() > 0) {
                long t = System.nanoTime();
                ByteBuffer b = ByteBuffer.wrap(request);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                String line = in.readLine();
                lat.add(System.nanoTime() - t);
                if (line == null || !line.startsWith("{\"nodes\":")) {
                    errors++;
                    if (line == null) {
                        break;
                    }
                } else if (line.contains("json/__init__.py::dumps\":{")) {
                    found++;
                }
                Thread.sleep(1); // one agent asking now and then, not a flood
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        daemon.stop(30_000);
        loop.join(60_000);
        runtime.close();
        IndexBenchmark.deleteTree(repo);
        long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        int n = sorted.length;
        System.out.printf("one client's get_context during a cold index of %d stdlib files (%.1f s, %d requests, %d with the node"
                        + " stored, %d errors): p50 %.3f ms, p99 %.3f ms, max %.3f ms (target p99 <= 10 ms)%n", files, seconds, n, found,
                errors, sorted[n / 2] / 1e6, sorted[(int) (n * 0.99)] / 1e6, sorted[n - 1] / 1e6);
        return errors;
    }

    private static byte[] oneReply(Path socket, byte[] request) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(request));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            return (in.readLine() + "\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The baseline server: accepts on a Unix socket, a platform thread per connection, a fixed reply per request line. */
    private static final class Echo implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Path path;

        Echo(Path path, byte[] reply) throws Exception {
            this.path = path;
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path), 256);
            Thread.ofPlatform().daemon().start(() -> {
                while (server.isOpen()) {
                    try {
                        SocketChannel ch = server.accept();
                        Thread.ofPlatform().daemon().stackSize(512 * 1024).start(() -> serve(ch, reply));
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }

        private static void serve(SocketChannel ch, byte[] reply) {
            try (ch) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                while (in.readLine() != null) {
                    ByteBuffer b = ByteBuffer.wrap(reply);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
            } catch (Exception e) {
                // client gone
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            Files.deleteIfExists(path);
        }
    }

    private static void run(Path socket, byte[] request, String expect, int total, long[] lat, AtomicInteger next,
            AtomicInteger errors, int clients) throws InterruptedException {
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
                        if (line == null || !line.startsWith(expect)) {
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
