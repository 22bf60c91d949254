package dev.nodestate.hub.triage;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A STAND-IN for a model server, for protocol tests only: a real HTTP server on a real socket that answers
 * {@code POST /v1/chat/completions} with whatever the test's function makes of the request body (no model
 * runs here). Records every request body.
 */
public final class StandInModelEndpoint implements AutoCloseable {

    /** What to answer: a status, a body, and how long to wait first. */
    public record Answer(int status, String body, long delayMillis) {
        public static Answer ok(String body) {
            return new Answer(200, body, 0);
        }
    }

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile Function<String, Answer> answer;

    public StandInModelEndpoint(Function<String, Answer> answer) throws IOException {
        this.answer = answer;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(threads);
        server.createContext("/v1/chat/completions", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(body);
            Answer a = this.answer.apply(body);
            if (a.delayMillis() > 0) {
                try {
                    Thread.sleep(a.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            try {
                exchange.sendResponseHeaders(a.status(), out.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            } catch (IOException e) {
                // the client gave up (deadline): fine
            }
        });
        server.start();
    }

    public void answer(Function<String, Answer> next) {
        this.answer = next;
    }

    /** {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public List<String> requests() {
        return requests;
    }

    /** A chat completion whose message carries {@code tool_calls}: each pair is (function name, reason). */
    public static String toolCalls(String... nameReason) {
        StringBuilder calls = new StringBuilder();
        for (int i = 0; i < nameReason.length; i += 2) {
            calls.append(i == 0 ? "" : ",").append("{\"id\":\"c").append(i).append("\",\"type\":\"function\",\"function\":{\"name\":\"")
                    .append(nameReason[i]).append("\",\"arguments\":\"{\\\"reason\\\":\\\"").append(nameReason[i + 1]).append("\\\"}\"}}");
        }
        return "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + calls
                + "]},\"finish_reason\":\"tool_calls\"}]}";
    }

    /** A chat completion whose content is text (FunctionGemma's own call format, or anything else). */
    public static String content(String text) {
        return "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(text) + "},\"finish_reason\":\"stop\"}]}";
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
