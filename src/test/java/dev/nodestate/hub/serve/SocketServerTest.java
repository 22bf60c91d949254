package dev.nodestate.hub.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodestate.hub.store.FileIndex;
import dev.nodestate.hub.store.NodeId;
import dev.nodestate.hub.store.NodeState;
import dev.nodestate.hub.store.NodeStore;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket server in-process on a temp store: framings, requests, freshness, hints, errors. */
class SocketServerTest {

    static final String SOURCE = "def f(x):\n    return g(x)\n\n\ndef g(x):\n    return x\n";

    @TempDir
    Path repo;

    NodeStore store;
    HubServer server;
    final List<String> refreshed = new CopyOnWriteArrayList<>();
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(repo.resolve("pkg"));
        Files.writeString(repo.resolve("pkg/a.py"), SOURCE);
        store = NodeStore.open(repo);
        index(SOURCE, Instant.now());
        server = HubServer.start(repo, store, HubServer.Probe.NONE, refreshed::add, new HubServer.Options(Duration.ofHours(24), 4),
                warnings::add);
    }

    /** What the hub's pipeline would store for pkg/a.py with {@code text}. */
    void index(String text, Instant at) throws Exception {
        String hash = Freshness.sha256(write(text));
        NodeState f = NodeState.create(NodeId.parse("pkg/a.py::f"), "f", NodeState.Type.FUNCTION, "s1", hash, at,
                NodeState.Source.COLD_START).with(Map.of("signature", "def f(x)", "callees", List.of("pkg/a.py::g"),
                "callers", List.of(), "related_tests", List.of("tests/test_a.py::test_f"), "complexity", 1, "language", "python"));
        NodeState g = NodeState.create(NodeId.parse("pkg/a.py::g"), "g", NodeState.Type.FUNCTION, "s2", hash, at,
                NodeState.Source.COLD_START).with(Map.of("signature", "def g(x)", "callers", List.of("pkg/a.py::f")));
        store.replaceFile(new FileIndex("pkg/a.py", hash, 0, at, null), List.of(f, g));
    }

    Path write(String text) throws Exception {
        Path p = repo.resolve("pkg/a.py");
        if (!Files.readString(p).equals(text)) {
            Files.writeString(p, text);
        }
        return p;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        store.close();
    }

    SocketChannel connect() throws Exception {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(server.socket()));
        return ch;
    }

    static void send(SocketChannel ch, String text) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads until the server closes. */
    static String readAll(SocketChannel ch) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Channels.newInputStream(ch).transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A kept NDJSON connection. */
    final class Line implements AutoCloseable {
        final SocketChannel ch = connect();
        final BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));

        Line() throws Exception {
        }

        JsonNode ask(String request) throws Exception {
            send(ch, request + "\n");
            String line = in.readLine();
            assertTrue(line != null, "the server closed the connection after " + request);
            return json.readTree(line);
        }

        @Override
        public void close() throws Exception {
            ch.close();
        }
    }

    List<JsonNode> trace(String name) throws Exception {
        server.syncTraces();
        Path f = repo.resolve(".agentfs/traces/" + name + ".jsonl");
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(f)) {
            for (String l : Files.readAllLines(f)) {
                out.add(json.readTree(l));
            }
        }
        return out;
    }

    @Test
    void a_seed_client_sending_one_object_without_newline_gets_one_reply_and_the_connection_closes() throws Exception {
        try (SocketChannel ch = connect()) { // the seed client: write, drain, read; no newline, no half-close
            send(ch, "{\"type\": \"health\"}");
            JsonNode reply = json.readTree(readAll(ch));
            assertEquals("ok", reply.path("status").asText());
            assertEquals(2, reply.path("nodes").asInt());
            assertEquals(1, reply.path("files").asInt());
        }
        try (SocketChannel ch = connect()) { // half-close after the request also works
            send(ch, "{\"type\": \"get_context\", \"nodes\": [\"pkg/a.py::f\"]}");
            ch.shutdownOutput();
            assertTrue(json.readTree(readAll(ch)).path("nodes").has("pkg/a.py::f"));
        }
    }

    @Test
    void an_ndjson_client_asks_many_questions_on_one_connection_and_errors_keep_it_usable() throws Exception {
        try (Line c = new Line()) {
            assertEquals("ok", c.ask("{\"type\":\"health\"}").path("status").asText());
            assertTrue(c.ask("{\"type\": \"health\"").path("error").asText().startsWith("malformed JSON"));
            assertTrue(c.ask("not json at all").path("error").asText().startsWith("malformed JSON"));
            assertTrue(c.ask("[1,2]").path("error").asText().contains("JSON object"));
            assertTrue(c.ask("{\"type\":\"frobnicate\"}").path("error").asText().contains("Unknown request type: \"frobnicate\""));
            assertTrue(c.ask("{\"type\":\"get_node\"}").path("error").asText().contains("node_id"));
            String huge = "{\"type\":\"health\",\"pad\":\"" + "x".repeat(HubServer.MAX_REQUEST + 10) + "\"}";
            assertTrue(c.ask(huge).path("error").asText().contains("larger than 1048576 bytes"));
            JsonNode status = c.ask("{\"type\":\"status\"}");
            assertEquals(ProcessHandle.current().pid(), status.path("pid").asLong());
            assertEquals(2, status.path("nodes").asInt());
            assertTrue(status.has("queue_depth") && status.has("uptime_seconds") && status.has("last_update"));
            assertEquals(List.of("pkg/a.py::g"), json.convertValue(c.ask("{\"type\":\"callees\",\"node_id\":\"pkg/a.py::f\"}").path("callees"), List.class));
            assertEquals(List.of("pkg/a.py::f"), json.convertValue(c.ask("{\"type\":\"callers\",\"node_id\":\"pkg/a.py::g\"}").path("callers"), List.class));
            assertEquals(List.of("tests/test_a.py::test_f"), json.convertValue(c.ask("{\"type\":\"tests\",\"node_id\":\"pkg/a.py::f\"}").path("tests"), List.class));
            assertEquals("not_found", c.ask("{\"type\":\"callers\",\"node_id\":\"pkg/a.py::nope\"}").path("code").asText());
            JsonNode similar = c.ask("{\"type\":\"similar\",\"node_id\":\"pkg/a.py::f\"}");
            assertEquals(0, similar.path("similar").size());
            assertTrue(similar.path("note").asText().contains("no similarity index"), similar.toString());
            assertEquals("def f(x)", c.ask("{\"type\":\"get_node\",\"node_id\":\"pkg/a.py::f\"}").path("node").path("signature").asText());
            JsonNode found = c.ask("{\"type\":\"search\",\"pattern\":\"a.py::?\"}").path("results");
            assertEquals(2, found.size());
            assertEquals("ok", c.ask("{\"type\":\"health\"}").path("status").asText());
        }
        // the oversized request did not stop the server either
        try (Line c = new Line()) {
            assertEquals("ok", c.ask("{\"type\":\"health\"}").path("status").asText());
        }
    }

    @Test
    void get_context_has_the_seed_shape_and_reports_unknown_ids_as_missing_with_a_reason() throws Exception {
        try (Line c = new Line()) {
            JsonNode reply = c.ask("{\"type\":\"get_context\",\"nodes\":[\"pkg/a.py::f\",\"pkg/a.py::nope\"],\"requester\":\"t\"}");
            assertEquals(List.of("nodes", "missing"), iter(reply.fieldNames()));
            assertEquals(List.of("pkg/a.py::f"), iter(reply.path("nodes").fieldNames()));
            assertEquals(List.of("pkg/a.py::nope"), iter(reply.path("missing").fieldNames()));
            assertTrue(reply.path("missing").path("pkg/a.py::nope").asText().startsWith("no node with this id"), reply.toString());
            NodeState f = NodeState.fromJson(reply.path("nodes").path("pkg/a.py::f").toString());
            assertEquals("node:pkg/a.py::f", f.key());
            assertEquals("function", reply.path("nodes").path("pkg/a.py::f").path("node_type").asText());
            // the field name the issue uses works too
            assertEquals(1, c.ask("{\"type\":\"get_context\",\"node_ids\":[\"pkg/a.py::g\"]}").path("nodes").size());
        }
        List<JsonNode> traces = trace("context");
        assertEquals(3, traces.size());
        assertEquals("missing", traces.get(1).path("freshness_status").asText());
        assertEquals("t", traces.get(0).path("requester").asText());
        assertEquals("unknown", traces.get(2).path("requester").asText());
    }

    @Test
    void get_context_says_when_a_missing_id_is_an_abbreviation_of_a_node() throws Exception {
        try (Line c = new Line()) {
            JsonNode reply = c.ask("{\"type\":\"get_context\",\"nodes\":[\"f\"]}");
            assertEquals(0, reply.path("nodes").size());
            assertTrue(reply.path("missing").path("f").asText().contains("abbreviates pkg/a.py::f"), reply.toString());
        }
    }

    @Test
    void context_resolves_an_abbreviated_id_as_get_node_and_the_other_requests_do() throws Exception {
        try (Line c = new Line()) {
            JsonNode one = c.ask("{\"type\":\"context\",\"node_id\":\"f\"}");
            assertEquals("pkg/a.py::f", one.path("context").path("node_id").asText(), one.toString());
            assertEquals("fresh", one.path("context").path("freshness_status").asText(), one.toString());
            assertEquals("f", one.path("resolved_from").asText());
            JsonNode many = c.ask("{\"type\":\"context\",\"node_ids\":[\"g\",\"pkg/a.py::f\"]}");
            assertEquals("pkg/a.py::g", many.path("contexts").path("g").path("node_id").asText(), many.toString());
            assertEquals("fresh", many.path("contexts").path("g").path("freshness_status").asText(), many.toString());
            assertEquals("pkg/a.py::f", c.ask("{\"type\":\"get_node\",\"node_id\":\"f\"}").path("node_id").asText());
            assertEquals(List.of("pkg/a.py::f"), json.convertValue(
                    c.ask("{\"type\":\"callers\",\"node_id\":\"g\"}").path("callers"), List.class));
        }
    }

    @Test
    void every_bad_nodes_field_gets_one_plain_message_without_jackson_internals() throws Exception {
        try (Line c = new Line()) {
            List<String> bad = List.of("\"pkg/a.py::f\"", "42", "null", "{}", "[1]", "[\"pkg/a.py::f\", null]", "[\"\"]");
            for (String value : bad) {
                for (String request : List.of("{\"type\":\"get_context\",\"nodes\":" + value + "}",
                        "{\"type\":\"context\",\"node_ids\":" + value + "}")) {
                    String error = c.ask(request).path("error").asText();
                    assertTrue(error.matches("\"(get_context|context)\" needs \"(nodes|node_ids)\": a list of node id strings, "
                            + "e\\.g\\. \\[\"pkg/mod\\.py::Class\\.method\"\\] \\(got .+\\)"), request + " -> " + error);
                    for (String internal : List.of("Jackson", "JsonNode", "com.fasterxml", "TextNode", "IntNode", "MismatchedInput")) {
                        assertFalse(error.contains(internal), request + " -> " + error);
                    }
                }
            }
            String malformed = c.ask("{\"type\": \"get_context\", \"nodes\": [oops]}").path("error").asText();
            assertTrue(malformed.startsWith("malformed JSON at line 1, column "), malformed);
            assertFalse(malformed.contains("Source:") || malformed.contains("REDACTED") || malformed.contains("StreamReadFeature"), malformed);
        }
    }

    @Test
    void an_idle_connection_is_closed_after_the_idle_timeout_and_a_busy_one_is_kept() throws Exception {
        server.close();
        server = HubServer.start(repo, store, HubServer.Probe.NONE, refreshed::add,
                new HubServer.Options(Duration.ofHours(24), 4, Duration.ofMillis(400), 8), warnings::add);
        try (Line busy = new Line(); SocketChannel idle = connect()) {
            long start = System.nanoTime();
            for (int i = 0; i < 8; i++) { // 1.2 s of requests, each within the timeout of the last
                assertEquals("ok", busy.ask("{\"type\":\"health\"}").path("status").asText());
                Thread.sleep(150);
            }
            idle.configureBlocking(true);
            ByteBuffer b = ByteBuffer.allocate(16);
            assertEquals(-1, idle.read(b), "the idle connection was closed by the server");
            assertTrue(System.nanoTime() - start < 10_000_000_000L);
        }
    }

    @Test
    void a_connection_over_the_cap_gets_a_busy_error_and_is_closed_while_the_others_are_served() throws Exception {
        server.close();
        server = HubServer.start(repo, store, HubServer.Probe.NONE, refreshed::add,
                new HubServer.Options(Duration.ofHours(24), 4, Duration.ofMinutes(5), 2), warnings::add);
        try (Line one = new Line(); Line two = new Line()) {
            assertEquals("ok", one.ask("{\"type\":\"health\"}").path("status").asText());
            assertEquals("ok", two.ask("{\"type\":\"health\"}").path("status").asText());
            try (SocketChannel third = connect()) {
                String reply = readAll(third);
                assertTrue(reply.contains("busy: 2 connections are open"), reply);
            }
            assertEquals("ok", one.ask("{\"type\":\"health\"}").path("status").asText());
        }
        // closed ones free their place (once the server has seen them close)
        long until = System.nanoTime() + 5_000_000_000L;
        while (true) {
            String reply;
            try (SocketChannel again = connect()) {
                send(again, "{\"type\":\"health\"}");
                reply = readAll(again);
            } catch (java.io.IOException refusedWhileSending) { // still over the cap: closed with our request unread
                reply = refusedWhileSending.toString();
            }
            if (reply.contains("\"ok\"") || System.nanoTime() > until) {
                assertTrue(reply.contains("\"status\":\"ok\""), reply);
                break;
            }
            Thread.sleep(20);
        }
    }

    static List<String> iter(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void context_is_fresh_then_stale_after_an_edit_missing_for_unknown_nodes_fresh_after_catch_up_and_each_is_traced() throws Exception {
        try (Line c = new Line()) {
            JsonNode fresh = c.ask("{\"type\":\"context\",\"node_id\":\"pkg/a.py::f\",\"requester\":\"agent-1\"}").path("context");
            assertEquals("fresh", fresh.path("freshness_status").asText());
            assertFalse(fresh.has("warning"));
            assertEquals("node:pkg/a.py::f", fresh.path("hub_state_key").asText());
            assertEquals("def f(x)", fresh.path("signature").asText());
            assertEquals(1, fresh.path("complexity").asInt());
            assertEquals(Freshness.sha256(repo.resolve("pkg/a.py")), fresh.path("source_version").asText());

            String edited = SOURCE + "\n\ndef h():\n    pass\n";
            write(edited); // the hub has not seen it
            JsonNode stale = c.ask("{\"type\":\"context\",\"node_id\":\"pkg/a.py::f\",\"requester\":\"agent-1\"}").path("context");
            assertEquals("stale", stale.path("freshness_status").asText());
            assertTrue(stale.path("warning").asText().contains("changed since the hub stored"));

            JsonNode missing = c.ask("{\"type\":\"context\",\"node_id\":\"pkg/a.py::h\"}").path("context");
            assertEquals("missing", missing.path("freshness_status").asText());
            assertTrue(missing.path("warning").asText().contains("use your own tools"));

            index(edited, Instant.now()); // the hub catches up
            assertEquals("fresh", c.ask("{\"type\":\"context\",\"node_id\":\"pkg/a.py::f\"}").path("context").path("freshness_status").asText());

            index(edited, Instant.now().minus(Duration.ofHours(25))); // same file, but older than the threshold
            JsonNode old = c.ask("{\"type\":\"context\",\"node_ids\":[\"pkg/a.py::f\"]}").path("contexts").path("pkg/a.py::f");
            assertEquals("stale", old.path("freshness_status").asText());
            assertTrue(old.path("warning").asText().contains("h old"));
        }
        List<JsonNode> traces = trace("context");
        assertEquals(List.of("fresh", "stale", "missing", "fresh", "stale"),
                traces.stream().map(t -> t.path("freshness_status").asText()).toList());
        assertEquals(List.of("agent-1", "agent-1", "unknown", "unknown", "unknown"),
                traces.stream().map(t -> t.path("requester").asText()).toList());
        assertEquals("node:pkg/a.py::h", traces.get(2).path("hub_state_key").asText());
        assertTrue(traces.get(0).hasNonNull("hub_last_updated"));
    }

    @Test
    void hints_are_validated_queued_traced_and_refresh_the_file_without_writing_node_fields() throws Exception {
        NodeState before = store.get("pkg/a.py::f").orElseThrow();
        try (Line c = new Line()) {
            assertTrue(c.ask("{\"type\":\"hint\",\"node_id\":\"/abs.py::f\",\"facts\":{}}").path("error").asText().contains("bad node_id"));
            assertTrue(c.ask("{\"type\":\"hint\",\"node_id\":\"pkg/a.py::f\",\"facts\":[1]}").path("error").asText().contains("JSON object"));
            JsonNode ok = c.ask("{\"type\":\"hint\",\"node_id\":\"pkg/a.py::f\",\"facts\":{\"complexity\":99},\"reason\":\"I refactored it\",\"requester\":\"agent-2\"}");
            assertEquals("queued", ok.path("status").asText());
        }
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (refreshed.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(List.of("pkg/a.py"), refreshed);
        List<JsonNode> hints = trace("hints");
        assertEquals(1, hints.size());
        assertEquals("I refactored it", hints.get(0).path("reason").asText());
        assertEquals(99, hints.get(0).path("facts").path("complexity").asInt());
        assertEquals("agent-2", hints.get(0).path("requester").asText());
        assertEquals(before, store.get("pkg/a.py::f").orElseThrow());
    }

    @Test
    void the_socket_is_private_and_a_stale_socket_file_is_replaced_on_start() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket())));
        assertEquals(SocketPath.preferred(repo), server.socket());
        // a second server on a live socket is refused
        try {
            HubServer.start(repo, store, HubServer.Probe.NONE, f -> { }, HubServer.Options.DEFAULT, warnings::add).close();
            throw new AssertionError("a second server started on a live socket");
        } catch (dev.nodestate.hub.HubException e) {
            assertTrue(e.getMessage().contains("already listens"));
        }
        // a killed hub leaves its socket file: nobody listens, the next start replaces it
        server.close();
        server = null;
        Files.createFile(SocketPath.preferred(repo));
        server = HubServer.start(repo, store, HubServer.Probe.NONE, f -> { }, HubServer.Options.DEFAULT, warnings::add);
        try (Line c = new Line()) {
            assertEquals("ok", c.ask("{\"type\":\"health\"}").path("status").asText());
        }
        server.close();
        assertFalse(Files.exists(server.socket()), "the socket file is removed on close");
        server = null;
    }

    @Test
    void a_repository_path_too_long_for_a_socket_is_served_under_tmp_and_clients_find_it() throws Exception {
        Path deep = repo.resolve("a".repeat(60)).resolve("b".repeat(60));
        Files.createDirectories(deep);
        try (NodeStore other = NodeStore.open(deep);
             HubServer s = HubServer.start(deep, other, HubServer.Probe.NONE, f -> { }, HubServer.Options.DEFAULT, warnings::add)) {
            assertTrue(s.socket().startsWith("/tmp"), s.socket().toString());
            assertTrue(warnings.getFirst().contains("longer than a Unix socket path may be"), warnings.toString());
            assertEquals(s.socket(), SocketPath.find(deep));
            try (HubClient client = HubClient.forRepo(deep)) {
                assertTrue(client.healthy());
            }
            s.close();
            assertFalse(Files.exists(SocketPath.pointer(deep)));
        }
    }

    @Test
    void sixty_four_concurrent_clients_are_all_answered() throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                boolean seed = i % 2 == 0;
                results.add(pool.submit(() -> {
                    if (seed) {
                        try (SocketChannel ch = connect()) {
                            send(ch, "{\"type\":\"get_context\",\"nodes\":[\"pkg/a.py::f\"]}");
                            return json.readTree(readAll(ch)).path("nodes").size();
                        }
                    }
                    int n = 0;
                    try (Line c = new Line()) {
                        for (int k = 0; k < 20; k++) {
                            n += c.ask("{\"type\":\"get_context\",\"nodes\":[\"pkg/a.py::f\"]}").path("nodes").size();
                        }
                    }
                    return n / 20;
                }));
            }
            for (Future<Integer> r : results) {
                assertEquals(1, r.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void the_java_client_answers_over_a_kept_connection_and_returns_empty_results_when_no_hub_runs() throws Exception {
        try (HubClient client = HubClient.forRepo(repo)) {
            assertTrue(client.healthy());
            assertEquals(List.of("pkg/a.py::f"), List.copyOf(client.getContext(List.of("pkg/a.py::f", "x.py::y"), "test").keySet()));
            assertEquals("fresh", client.context("pkg/a.py::f", "test").orElseThrow().path("freshness_status").asText());
            server.close();
            server = null;
            long t0 = System.nanoTime();
            assertFalse(client.healthy());
            assertTrue(client.getContext(List.of("pkg/a.py::f"), "test").isEmpty());
            assertTrue(client.status().isEmpty());
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 3_000);
        }
    }
}
