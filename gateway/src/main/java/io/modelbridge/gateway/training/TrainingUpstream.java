package io.modelbridge.gateway.training;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The upstream of the start-up cache's training run: answers OpenAI's chat completions (streamed and not) and
 * embeddings at once, on 127.0.0.1 and a port the system picks. It lives in the training JVM only.
 */
final class TrainingUpstream implements AutoCloseable {
    static final String API_KEY = "sk-training-upstream";
    private static final String ANSWER = """
            {"id":"chatcmpl-training","object":"chat.completion","created":1700000000,"model":"training",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, how are you?"},\
            "finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":7,"total_tokens":16}}""";
    private static final String CHUNK = """
            data: {"id":"chatcmpl-training","object":"chat.completion.chunk","created":1700000000,"model":"training",\
            "choices":[{"index":0,"delta":%s,"finish_reason":%s}]}

            """;
    private static final String USAGE_CHUNK = """
            data: {"id":"chatcmpl-training","object":"chat.completion.chunk","created":1700000000,"model":"training",\
            "choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}

            data: [DONE]

            """;
    private static final String EMBEDDING = """
            {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,-0.5,0.125]}],\
            "model":"training","usage":{"prompt_tokens":2,"total_tokens":2}}""";

    private final WebServer server;

    TrainingUpstream() {
        this.server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .connectionOptions(o -> o.tcpNoDelay(true)) // its streams' small writes: no Nagle wait
                .routing(r -> r
                        .post("/v1/chat/completions", TrainingUpstream::chat)
                        .post("/v1/embeddings", (req, res) -> json(res, EMBEDDING)))
                .build()
                .start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    private static void chat(ServerRequest req, ServerResponse res) throws IOException {
        String body = req.content().as(String.class);
        if (!body.replace(" ", "").contains("\"stream\":true")) {
            json(res, ANSWER);
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        try (OutputStream out = res.outputStream()) {
            write(out, CHUNK.formatted("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
            for (String word : new String[] {"Hello", " there", "!"}) {
                write(out, CHUNK.formatted("{\"content\":\"" + word + "\"}", "null"));
            }
            write(out, CHUNK.formatted("{}", "\"stop\""));
            write(out, USAGE_CHUNK);
        }
    }

    private static void write(OutputStream out, String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void json(ServerResponse res, String body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(body);
    }

    @Override
    public void close() {
        server.stop();
    }
}
