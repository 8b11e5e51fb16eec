package io.modelbridge.testkit.deepseek;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.testkit.PromptEndpoint;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.SimulatorKnobs;
import io.modelbridge.testkit.SimulatorKnobs.ScriptedError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The DeepSeek simulator's HTTP side: every request is recorded, held, authenticated, maybe failed, validated the
 * way DeepSeek validates it, then answered. Chat is served at {@code /chat/completions} and at the
 * {@code /v1/chat/completions} alias DeepSeek keeps for OpenAI SDKs; FIM completion at {@code /beta/completions}.
 */
final class DeepSeekRoutes {
    private final String apiKey;
    private final Set<String> models;
    private final SimulatorKnobs knobs;
    private final DeepSeekSimulator.Options options;
    private final Consumer<RecordedRequest> recorder;
    private final DeepSeekChat chat;
    private final PromptEndpoint prompts;

    DeepSeekRoutes(String apiKey, Set<String> models, SimulatorKnobs knobs, DeepSeekSimulator.Options options,
                   Consumer<RecordedRequest> recorder) {
        this.apiKey = apiKey;
        this.models = models;
        this.knobs = knobs;
        this.options = options;
        this.recorder = recorder;
        this.chat = new DeepSeekChat(knobs, options);
        this.prompts = new PromptEndpoint(knobs, "fim-sim");
    }

    void register(HttpRouting.Builder routing) {
        routing.post("/chat/completions", (req, res) -> serve(req, res, this::chatCompletions))
                .post("/v1/chat/completions", (req, res) -> serve(req, res, this::chatCompletions))
                .post("/beta/completions", (req, res) -> serve(req, res, this::fimCompletions))
                .get("/models", (req, res) -> serve(req, res, (json, r) -> models(r)))
                .get("/v1/models", (req, res) -> serve(req, res, (json, r) -> models(r)))
                .any((req, res) -> serve(req, res, (json, r) -> send(r, 404,
                        DeepSeekWire.error("Not Found", "invalid_request_error"))));
    }

    private interface Endpoint {
        void handle(JsonNode json, ServerResponse res);
    }

    private void serve(ServerRequest req, ServerResponse res, Endpoint endpoint) {
        String body = req.content().hasEntity() ? req.content().as(String.class) : "";
        JsonNode json = parse(body);
        recorder.accept(new RecordedRequest(req.prologue().method().text(), req.path().path(),
                req.query().rawValue(), headers(req), body, json));
        knobs.hangIfConfigured();
        if (!authorized(req, res)) {
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
                send(res, error.status(), DeepSeekWire.error(error.message(), error.type()));
            }
            return;
        }
        if (!body.isEmpty() && json == null) {
            send(res, 400, DeepSeekWire.error("Failed to deserialize the JSON body into the target type",
                    "invalid_request_error"));
            return;
        }
        endpoint.handle(json, res);
    }

    private void chatCompletions(JsonNode json, ServerResponse res) {
        String problem = json == null ? "Empty request body" : invalid(json);
        if (problem != null) {
            send(res, problem.equals("Model Not Exist") ? 400 : 422,
                    DeepSeekWire.error(problem, "invalid_request_error"));
            return;
        }
        String model = json.path("model").asText();
        if (model.contains("reasoner") && (json.has("logprobs") || json.has("top_logprobs"))) {
            send(res, 400, DeepSeekWire.error("deepseek-reasoner does not support logprobs and top_logprobs",
                    "invalid_request_error"));
            return;
        }
        if (model.contains("reasoner") && options.rejectReasoningHistory() && carriesReasoning(json)) {
            send(res, 400, DeepSeekWire.error("The reasoning_content of previous rounds must not be passed back "
                    + "in the input messages", "invalid_request_error"));
            return;
        }
        chat.answer(json, res);
    }

    /**
     * FIM completion (docs "FIM Completion (Beta)"): deepseek-chat only, a prompt, an optional suffix, max_tokens up
     * to 4K. UNCONFIRMED: the wording of the refusals.
     */
    private void fimCompletions(JsonNode json, ServerResponse res) {
        String model = json == null ? "" : json.path("model").asText("");
        if (!models.contains(model)) {
            send(res, 400, DeepSeekWire.error("Model Not Exist", "invalid_request_error"));
        } else if (!model.equals("deepseek-chat")) {
            send(res, 400, DeepSeekWire.error(model + " does not support FIM completion", "invalid_request_error"));
        } else if (!json.path("prompt").isTextual()) {
            send(res, 422, DeepSeekWire.error("prompt must be a string", "invalid_request_error"));
        } else if (json.path("max_tokens").asInt(1) < 1 || json.path("max_tokens").asInt(1) > 4096) {
            send(res, 422, DeepSeekWire.error("Invalid max_tokens value, the valid range of max_tokens is [1, 4096]",
                    "invalid_request_error"));
        } else {
            prompts.answer(json, res);
        }
    }

    /** DeepSeek's parameter checks (docs "Create Chat Completion"); null when the request is acceptable. */
    private String invalid(JsonNode json) {
        if (!models.contains(json.path("model").asText(""))) {
            return "Model Not Exist";
        }
        if (!json.path("messages").isArray() || json.path("messages").isEmpty()) {
            return "messages must be a non-empty array";
        }
        JsonNode temperature = json.get("temperature");
        if (temperature != null && (temperature.asDouble() < 0 || temperature.asDouble() > 2)) {
            return "Invalid temperature value, the valid range of temperature is [0, 2]";
        }
        JsonNode topP = json.get("top_p");
        if (topP != null && (topP.asDouble() <= 0 || topP.asDouble() > 1)) {
            return "Invalid top_p value, the valid range of top_p is (0, 1]";
        }
        JsonNode maxTokens = json.get("max_tokens");
        int cap = json.path("model").asText().equals("deepseek-reasoner") ? 65536 : 8192; // V3.1: 64K with the CoT
        if (maxTokens != null && (maxTokens.asInt() < 1 || maxTokens.asInt() > cap)) {
            return "Invalid max_tokens value, the valid range of max_tokens is [1, " + cap + "]";
        }
        return null;
    }

    private static boolean carriesReasoning(JsonNode json) {
        for (JsonNode message : json.path("messages")) {
            if (message.has("reasoning_content")) {
                return true;
            }
        }
        return false;
    }

    private void models(ServerResponse res) {
        var body = DeepSeekSimulator.JSON.createObjectNode().put("object", "list");
        var data = body.putArray("data");
        models.stream().sorted().forEach(id -> data.add(DeepSeekWire.model(id)));
        res.header("Content-Type", "application/json");
        res.send(body.toString());
    }

    /** DeepSeek's two 401 answers: a header that is not {@code Bearer ...}, and a key it does not know. */
    private boolean authorized(ServerRequest req, ServerResponse res) {
        String given = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (given.equals("Bearer " + apiKey)) {
            return true;
        }
        String message = given.startsWith("Bearer ") && given.length() > 7
                ? "Authentication Fails, Your api key: ****" + last4(given.substring(7)) + " is invalid"
                : "Authentication Fails (auth header format should be Bearer sk-...)";
        send(res, 401, DeepSeekWire.error(message, "authentication_error"));
        return false;
    }

    private static String last4(String key) {
        return key.length() <= 4 ? key : key.substring(key.length() - 4);
    }

    private static void send(ServerResponse res, int status, String body) {
        res.status(status);
        res.header("Content-Type", "application/json");
        res.send(body);
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
            return DeepSeekSimulator.JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
