package io.modelbridge.testkit.qwen;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.SimulatorKnobs;
import io.modelbridge.testkit.SimulatorKnobs.ScriptedError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The DashScope simulator's HTTP side: every request is recorded, held, authenticated, maybe failed, validated as
 * DashScope validates it, then answered. Errors are JSON, except that a request asking for SSE gets them as an
 * {@code event:error} body with the same status (both forms are handled by the DashScope SDK); the key check
 * always answers JSON.
 */
final class QwenRoutes {
    static final String GENERATION = "/api/v1/services/aigc/text-generation/generation";
    static final String EMBEDDING = "/api/v1/services/embeddings/text-embedding/text-embedding";
    private final String apiKey;
    private final Set<String> models;
    private final SimulatorKnobs knobs;
    private final Consumer<RecordedRequest> recorder;
    private final QwenSimulator.Options options;
    private final QwenGeneration generation;

    QwenRoutes(String apiKey, Set<String> models, SimulatorKnobs knobs, QwenSimulator.Options options,
               Consumer<RecordedRequest> recorder) {
        this.apiKey = apiKey;
        this.models = models;
        this.knobs = knobs;
        this.recorder = recorder;
        this.options = options;
        this.generation = new QwenGeneration(knobs, options);
    }

    void register(HttpRouting.Builder routing) {
        routing.post(GENERATION, (req, res) -> serve(req, res, this::generation))
                .post(EMBEDDING, (req, res) -> serve(req, res, this::embedding))
                .any((req, res) -> serve(req, res, (call) -> call.fail(404, "InvalidURL",
                        "Invalid URL provided in your request.")));
    }

    /** One request being served. */
    private record Call(JsonNode json, boolean sse, String requestId, ServerResponse res) {
        void fail(int status, String code, String message) {
            res.status(status);
            if (sse) {
                res.header("Content-Type", "text/event-stream;charset=UTF-8");
                res.send(QwenWire.errorEvent(1, status, code, message, requestId));
            } else {
                res.header("Content-Type", "application/json");
                res.send(QwenWire.error(code, message, requestId));
            }
        }
    }

    private void serve(ServerRequest req, ServerResponse res, Consumer<Call> endpoint) {
        String body = req.content().hasEntity() ? req.content().as(String.class) : "";
        JsonNode json = parse(body);
        recorder.accept(new RecordedRequest(req.prologue().method().text(), req.path().path(),
                req.query().rawValue(), headers(req), body, json));
        knobs.hangIfConfigured();
        String requestId = UUID.randomUUID().toString();
        boolean sse = req.headers().first(HeaderNames.create("X-DashScope-SSE")).orElse("").equals("enable")
                || req.headers().first(HeaderNames.ACCEPT).orElse("").contains("text/event-stream");
        Call call = new Call(json, sse, requestId, res);
        String given = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!given.equals("Bearer " + apiKey)) {
            res.status(401);
            res.header("Content-Type", "application/json");
            res.send(QwenWire.error("InvalidApiKey", given.isBlank() ? "No API-key provided."
                    : "Invalid API-key provided.", requestId));
            return;
        }
        var scripted = knobs.takeError();
        if (scripted.isPresent()) {
            ScriptedError error = scripted.get();
            if (error.retryAfter() != null) {
                res.header("Retry-After", Long.toString(Math.max(0, error.retryAfter().toSeconds())));
            }
            if (error.rawBody() != null) {
                res.status(error.status());
                res.header("Content-Type", error.type());
                res.send(error.rawBody());
            } else {
                call.fail(error.status(), error.code(), error.message());
            }
            return;
        }
        if (json == null) {
            call.fail(400, "InvalidParameter", "Required parameter(s) missing or invalid, please check the request "
                    + "parameters.");
            return;
        }
        if (!models.contains(json.path("model").asText(""))) {
            call.fail(400, json.path("model").asText("").isEmpty() ? "BadRequest.EmptyModel" : "InvalidParameter",
                    json.path("model").asText("").isEmpty() ? "Required parameter \"model\" missing from request."
                            : "Model not exist.");
            return;
        }
        endpoint.accept(call);
    }

    private void generation(Call call) {
        JsonNode json = call.json();
        JsonNode messages = json.path("input").path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            call.fail(400, "BadRequest.EmptyInput", "Required input parameter missing from request.");
            return;
        }
        String problem = invalidParameters(json.path("parameters"), call.sse());
        if (problem != null) {
            call.fail(400, "InvalidParameter", problem);
            return;
        }
        generation.answer(json, call.sse(), call.requestId(), call.res());
    }

    /** DashScope's parameter rules (Model Studio API reference and "Error codes"); null when acceptable. */
    private static String invalidParameters(JsonNode p, boolean sse) {
        JsonNode temperature = p.get("temperature");
        if (temperature != null && (temperature.asDouble() < 0 || temperature.asDouble() >= 2)) {
            return "Temperature should be in [0.0, 2.0)";
        }
        JsonNode topP = p.get("top_p");
        if (topP != null && (topP.asDouble() <= 0 || topP.asDouble() > 1)) {
            return "Range of top_p should be (0.0, 1.0]";
        }
        if (p.path("tools").isArray() && !p.path("tools").isEmpty()
                && !"message".equals(p.path("result_format").asText())) {
            return "tools require result_format to be message";
        }
        boolean thinking = p.path("enable_thinking").asBoolean(false);
        if (thinking && !sse) {
            return "parameter.enable_thinking must be set to false for non-streaming calls";
        }
        if (thinking && !p.path("incremental_output").asBoolean(false)) {
            return "The incremental_output parameter must be \"true\" when enable_thinking is true";
        }
        return null;
    }

    private void embedding(Call call) {
        String problem = QwenEmbeddingsEndpoint.invalid(call.json());
        if (problem != null) {
            call.fail(400, "InvalidParameter", problem);
            return;
        }
        call.res().header("Content-Type", "application/json");
        call.res().send(QwenEmbeddingsEndpoint.answer(call.json(), call.requestId(), options.embeddingTokens()));
    }

    private static Map<String, List<String>> headers(ServerRequest req) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : req.headers()) {
            headers.put(header.name().toLowerCase(Locale.ROOT), List.copyOf(header.allValues()));
        }
        return headers;
    }

    private static JsonNode parse(String body) {
        if (body.isBlank()) {
            return null;
        }
        try {
            return QwenSimulator.JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
