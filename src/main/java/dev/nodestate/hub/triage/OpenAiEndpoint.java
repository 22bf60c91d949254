package dev.nodestate.hub.triage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST {base_url}/chat/completions} as vLLM, llama.cpp's llama-server and Ollama serve it. The
 * candidates go as {@code tools}; the reply is read in either style: structured {@code tool_calls}, or
 * FunctionGemma's own call text in {@code content} (what a server without a tool parser returns).
 */
final class OpenAiEndpoint implements ModelClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI uri;
    private final String model;
    private final String apiKey;
    private final double temperature;
    private final HttpClient http;

    OpenAiEndpoint(String baseUrl, String model, String apiKey, double temperature, Duration connectTimeout) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.uri = URI.create(base + "/chat/completions");
        this.model = model;
        this.apiKey = apiKey;
        this.temperature = temperature;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    /** The request body: messages, one tool per function, greedy sampling. */
    String body(Ask ask) {
        ObjectNode req = JSON.createObjectNode();
        req.put("model", model);
        req.put("temperature", temperature);
        req.put("max_tokens", 64 * Math.max(1, ask.functions().size()) + 64);
        req.put("stream", false);
        ArrayNode messages = req.putArray("messages");
        messages.addObject().put("role", "system").put("content", ask.instruction());
        messages.addObject().put("role", "user").put("content", ask.user());
        ArrayNode tools = req.putArray("tools");
        for (FunctionGemma.Function f : ask.functions()) {
            ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
            fn.put("name", f.name()).put("description", f.description());
            ObjectNode params = fn.putObject("parameters").put("type", "object");
            ObjectNode props = params.putObject("properties");
            ArrayNode required = params.putArray("required");
            f.parameters().forEach((name, description) -> {
                props.putObject(name).put("type", "string").put("description", description);
                required.add(name);
            });
        }
        req.put("tool_choice", "auto");
        return req.toString();
    }

    @Override
    public List<FunctionGemma.Call> ask(Ask ask, Duration deadline) throws Failure {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(deadline).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(ask)));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = call.get(deadline.toMillis(), TimeUnit.MILLISECONDS); // the whole reply, body included
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new Failure("timeout", "no reply from " + uri + " within " + deadline.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", "interrupted while waiting for " + uri);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof java.net.http.HttpTimeoutException) {
                throw new Failure("timeout", "no reply from " + uri + " within " + deadline.toMillis() + " ms");
            }
            if (c instanceof ConnectException || c instanceof ClosedChannelException) {
                throw new Failure("refused", "cannot connect to " + uri + ": " + c);
            }
            throw new Failure("unreachable", "request to " + uri + " failed: " + c);
        }
        if (response.statusCode() != 200) {
            throw new Failure("http " + response.statusCode(), uri + " answered HTTP " + response.statusCode() + ": "
                    + FunctionGemma.abbreviate(response.body()));
        }
        return calls(response.body());
    }

    /** The calls of a chat completion: its tool_calls, else FunctionGemma call text in its content. */
    static List<FunctionGemma.Call> calls(String body) throws Failure {
        JsonNode reply;
        try {
            reply = JSON.readTree(body);
        } catch (IOException e) {
            throw new Failure("no usable answer", "the reply is not JSON: " + FunctionGemma.abbreviate(body));
        }
        JsonNode message = reply.path("choices").path(0).path("message");
        if (message.isMissingNode()) {
            throw new Failure("no usable answer", "the reply has no choices[0].message: " + FunctionGemma.abbreviate(body));
        }
        List<FunctionGemma.Call> calls = new ArrayList<>();
        JsonNode toolCalls = message.path("tool_calls");
        if (toolCalls.isArray() && !toolCalls.isEmpty()) {
            for (JsonNode tc : toolCalls) {
                JsonNode fn = tc.path("function");
                String name = fn.path("name").asText("");
                JsonNode args = fn.path("arguments");
                if (args.isTextual()) { // the OpenAI shape: arguments as a JSON string
                    try {
                        args = args.asText().isBlank() ? JSON.createObjectNode() : JSON.readTree(args.asText());
                    } catch (IOException e) {
                        throw new Failure("no usable answer", "the arguments of " + name + " are not JSON: "
                                + FunctionGemma.abbreviate(fn.path("arguments").asText()));
                    }
                }
                if (name.isEmpty() || !args.isObject()) {
                    throw new Failure("no usable answer", "a tool call without a name or an arguments object: "
                            + FunctionGemma.abbreviate(tc.toString()));
                }
                Map<String, Object> values = new LinkedHashMap<>();
                args.fields().forEachRemaining(e -> values.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class)));
                calls.add(new FunctionGemma.Call(name, values));
            }
            return calls;
        }
        String content = message.path("content").asText("");
        try {
            return FunctionGemma.calls(content);
        } catch (FunctionGemma.Unreadable e) {
            throw new Failure("no usable answer", e.getMessage());
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
