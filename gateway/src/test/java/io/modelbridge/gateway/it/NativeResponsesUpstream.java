package io.modelbridge.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that serves OpenAI's Responses API itself ({@code POST /v1/responses}, whole and streamed) on
 * 127.0.0.1, and records each body it got. Every answer says "native answer" and reports usage 11 in (3 cached), 7 out
 * (2 reasoning). {@link #failNext} makes the next requests fail with 503; {@link #endStreamsAfter} delays the end of
 * streams.
 */
final class NativeResponsesUpstream implements AutoCloseable {
    static final int INPUT = 11;
    static final int OUTPUT = 7;
    static final int CACHED = 3;
    static final int REASONING = 2;
    private final HttpServer server;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile long endAfterMillis;

    NativeResponsesUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/responses", this::respond);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The bodies received, oldest first. */
    List<JsonNode> received() {
        return received;
    }

    JsonNode last() {
        return received.getLast();
    }

    void failNext(int count) {
        failures.set(count);
    }

    /** Streams end this long after their response.completed event (as an upstream behind a buffering proxy may). */
    void endStreamsAfter(long millis) {
        endAfterMillis = millis;
    }

    private void respond(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = RunningGateway.JSON.readTree(exchange.getRequestBody());
            received.add(body);
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(exchange, 503, "application/json",
                        "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
                return;
            }
            ObjectNode response = response("resp_native" + ids.incrementAndGet(), body.path("model").asText());
            if (!body.path("stream").asBoolean()) {
                send(exchange, 200, "application/json", response.toString());
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            ObjectNode inProgress = response.deepCopy().put("status", "in_progress");
            inProgress.putArray("output");
            inProgress.putNull("usage");
            event(out, RunningGateway.JSON.createObjectNode().put("type", "response.created").put("sequence_number", 0)
                    .set("response", inProgress));
            for (String delta : List.of("native ", "answer")) {
                event(out, RunningGateway.JSON.createObjectNode().put("type", "response.output_text.delta")
                        .put("sequence_number", 1).put("item_id", "msg_up").put("output_index", 0)
                        .put("content_index", 0).put("delta", delta));
            }
            event(out, RunningGateway.JSON.createObjectNode().put("type", "response.completed")
                    .put("sequence_number", 3).set("response", response));
            if (endAfterMillis > 0) {
                try {
                    Thread.sleep(endAfterMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static ObjectNode response(String id, String model) {
        ObjectNode response = RunningGateway.JSON.createObjectNode().put("id", id).put("object", "response")
                .put("created_at", 1_760_000_000L).put("status", "completed").put("model", model).put("store", false)
                .putNull("error").putNull("incomplete_details").putNull("instructions").put("parallel_tool_calls", true)
                .put("temperature", 1.0).put("top_p", 1.0).put("tool_choice", "auto");
        response.putObject("metadata");
        response.putArray("tools").addObject().put("type", "web_search");
        ObjectNode message = response.putArray("output").addObject().put("id", "msg_up").put("type", "message")
                .put("role", "assistant").put("status", "completed");
        message.putArray("content").addObject().put("type", "output_text").put("text", "native answer")
                .putArray("annotations");
        ObjectNode usage = response.putObject("usage").put("input_tokens", INPUT).put("output_tokens", OUTPUT)
                .put("total_tokens", INPUT + OUTPUT);
        usage.putObject("input_tokens_details").put("cached_tokens", CACHED).put("cache_write_tokens", 0);
        usage.putObject("output_tokens_details").put("reasoning_tokens", REASONING);
        return response;
    }

    private static void event(OutputStream out, ObjectNode data) throws IOException {
        out.write(("event: " + data.get("type").asText() + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
