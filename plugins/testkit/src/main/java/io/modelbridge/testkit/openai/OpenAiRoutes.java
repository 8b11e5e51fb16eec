package io.modelbridge.testkit.openai;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** The simulator's HTTP side: every request is recorded, held, authenticated, maybe failed, then answered. */
final class OpenAiRoutes {
    private final OpenAiStyle style;
    private final String apiKey;
    private final Set<String> models;
    private final SimulatorKnobs knobs;
    private final Consumer<RecordedRequest> recorder;
    private final ChatEndpoint chat;
    private final PromptEndpoint prompts;
    private final AtomicInteger served = new AtomicInteger();

    OpenAiRoutes(OpenAiStyle style, String apiKey, Set<String> models, SimulatorKnobs knobs,
                 Consumer<RecordedRequest> recorder) {
        this.style = style;
        this.apiKey = apiKey;
        this.models = models;
        this.knobs = knobs;
        this.recorder = recorder;
        this.chat = new ChatEndpoint(knobs, style.usage());
        this.prompts = new PromptEndpoint(knobs, "cmpl-sim");
    }

    void register(HttpRouting.Builder routing) {
        String base = style.basePath();
        routing.post(base + "/chat/completions", (req, res) -> serve(req, res, this::chatCompletions))
                .post(base + "/completions", (req, res) -> serve(req, res, this::completions))
                .post(base + "/embeddings", (req, res) -> serve(req, res, this::embeddings))
                .get(base + "/models", (req, res) -> serve(req, res, (json, r) -> models(r)))
                .get(base + "/models/{id}", (req, res) -> serve(req, res,
                        (json, r) -> model(req.path().pathParameters().get("id"), r)))
                .any((req, res) -> serve(req, res, (json, r) -> sendError(r, 404, OpenAiWire.error(
                        "Invalid URL (" + req.prologue().method().text() + " " + req.path().path() + ")",
                        "invalid_request_error", null, null))));
    }

    /** What every request goes through: recording, hang, authentication, scripted error, JSON parsing. */
    private void serve(ServerRequest req, ServerResponse res, Endpoint endpoint) {
        String body = req.content().hasEntity() ? req.content().as(String.class) : "";
        JsonNode json = parse(body);
        recorder.accept(new RecordedRequest(req.prologue().method().text(), req.path().path(),
                req.query().rawValue(), headers(req), body, json));
        knobs.hangIfConfigured();
        res.header("x-request-id", "req_sim" + served.incrementAndGet());
        res.header("openai-processing-ms", "1");
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
                sendError(res, error.status(), OpenAiWire.error(error));
            }
            return;
        }
        if (!body.isEmpty() && json == null) {
            sendError(res, 400, OpenAiWire.error("We could not parse the JSON body of your request. (HINT: This likely "
                    + "means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but "
                    + "what was sent was not valid JSON.)", "invalid_request_error", null, null));
            return;
        }
        endpoint.handle(json, res);
    }

    private interface Endpoint {
        void handle(JsonNode json, ServerResponse res);
    }

    private void chatCompletions(JsonNode json, ServerResponse res) {
        if (json == null || !json.path("messages").isArray() || json.path("messages").isEmpty()) {
            sendError(res, 400, OpenAiWire.error("'messages' is a required property", "invalid_request_error",
                    "messages", null));
        } else if (knownModel(json, res)) {
            chat.answer(json, res);
        }
    }

    /** The legacy endpoint: a string prompt is required (this simulator serves no token arrays). */
    private void completions(JsonNode json, ServerResponse res) {
        if (json == null || !json.path("prompt").isTextual()) {
            sendError(res, 400, OpenAiWire.error("'prompt' is a required property", "invalid_request_error",
                    "prompt", null));
        } else if (knownModel(json, res)) {
            prompts.answer(json, res);
        }
    }

    private void embeddings(JsonNode json, ServerResponse res) {
        String answer = json == null ? null : EmbeddingsEndpoint.answer(json);
        if (answer == null) {
            sendError(res, 400, OpenAiWire.error("'input' must be a string or an array of strings",
                    "invalid_request_error", "input", null));
        } else if (knownModel(json, res)) {
            res.header("Content-Type", "application/json");
            res.send(answer);
        }
    }

    private void models(ServerResponse res) {
        var body = OpenAiSimulator.JSON.createObjectNode().put("object", "list");
        var data = body.putArray("data");
        models.stream().sorted().forEach(id -> data.add(OpenAiWire.model(id)));
        res.header("Content-Type", "application/json");
        res.send(body.toString());
    }

    private void model(String id, ServerResponse res) {
        if (models.contains(id)) {
            res.header("Content-Type", "application/json");
            res.send(OpenAiWire.model(id).toString());
        } else {
            sendError(res, style.errors().modelNotFound().status(), modelNotFound(id));
        }
    }

    private boolean knownModel(JsonNode json, ServerResponse res) {
        String model = json.path("model").asText("");
        if (model.isEmpty()) {
            sendError(res, 400, OpenAiWire.error("you must provide a model parameter", "invalid_request_error",
                    null, null));
            return false;
        }
        if (!models.contains(model)) {
            sendError(res, style.errors().modelNotFound().status(), modelNotFound(model));
            return false;
        }
        return true;
    }

    private String modelNotFound(String model) {
        OpenAiStyle.Error e = style.errors().modelNotFound();
        return OpenAiWire.error("The model `" + model + "` does not exist or you do not have access to it.",
                e.type(), null, e.code());
    }

    private boolean authorized(ServerRequest req, ServerResponse res) {
        String given = req.headers().first(HeaderNames.create(style.authHeader())).orElse("");
        if (given.equals(style.authScheme() + apiKey)) {
            return true;
        }
        OpenAiStyle.Error invalidKey = style.errors().invalidKey();
        String body = given.isEmpty()
                ? OpenAiWire.error("You didn't provide an API key. You need to provide your API key in an "
                        + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                        invalidKey.type(), null, null)
                : OpenAiWire.error("Incorrect API key provided: " + masked(given.substring(
                        given.startsWith(style.authScheme()) ? style.authScheme().length() : 0))
                        + ". You can find your API key at https://platform.openai.com/account/api-keys.",
                        invalidKey.type(), null, invalidKey.code());
        sendError(res, invalidKey.status(), body);
        return false;
    }

    /** As OpenAI shows a wrong key: its start and end only. */
    private static String masked(String key) {
        return key.length() <= 8 ? "***" : key.substring(0, 3) + "***" + key.substring(key.length() - 4);
    }

    private static void sendError(ServerResponse res, int status, String body) {
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
            return OpenAiSimulator.JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
