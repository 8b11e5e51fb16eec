package io.modelbridge.testkit.glm;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.SimulatorKnobs;
import io.modelbridge.testkit.SimulatorKnobs.ScriptedError;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The simulator's HTTP side: every request is recorded, held, authenticated, maybe failed, validated, answered. */
final class GlmRoutes {
    static final String CHAT = "/api/paas/v4/chat/completions";
    static final String EMBEDDINGS = "/api/paas/v4/embeddings";

    private final GlmTokenVerifier verifier;
    private final GlmRequestRules rules;
    private final SimulatorKnobs knobs;
    private final GlmKnobs glm;
    private final Consumer<RecordedRequest> recorder;
    private final GlmChatEndpoint chat;

    GlmRoutes(GlmTokenVerifier verifier, GlmRequestRules rules, SimulatorKnobs knobs, GlmKnobs glm,
              Consumer<RecordedRequest> recorder) {
        this.verifier = verifier;
        this.rules = rules;
        this.knobs = knobs;
        this.glm = glm;
        this.recorder = recorder;
        this.chat = new GlmChatEndpoint(knobs, glm);
    }

    void register(HttpRouting.Builder routing) {
        routing.post(CHAT, (req, res) -> serve(req, res, this::chat))
                .post(EMBEDDINGS, (req, res) -> serve(req, res, this::embeddings))
                .any((req, res) -> serve(req, res, (json, r) -> sendError(r, 404, "1222",
                        "API " + req.path().path() + " 不存在")));
    }

    private interface Endpoint {
        void handle(JsonNode json, ServerResponse res);
    }

    /** Recording, hang, authentication, scripted error, JSON parsing; then the endpoint. */
    private void serve(ServerRequest req, ServerResponse res, Endpoint endpoint) {
        String body = req.content().hasEntity() ? req.content().as(String.class) : "";
        JsonNode json = parse(body);
        recorder.accept(new RecordedRequest(req.prologue().method().text(), req.path().path(),
                req.query().rawValue(), headers(req), body, json));
        int generation = glm.generation();
        knobs.hangIfConfigured();
        if (glm.generation() != generation) {
            sendError(res, 500, "500", "内部错误");
            return;
        }
        Optional<GlmTokenVerifier.Refusal> refusal = verifier.check(req.headers().first(HeaderNames.AUTHORIZATION),
                Instant.now(), glm.tokensExpiredUpTo());
        if (refusal.isPresent()) {
            sendError(res, 401, refusal.get().code(), refusal.get().message());
            return;
        }
        Optional<ScriptedError> scripted = knobs.takeError();
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
                sendError(res, error.status(), error.code(), error.message());
            }
            return;
        }
        if (json == null || !json.isObject()) {
            sendError(res, 400, "1210", "API 调用参数有误，请检查文档");
            return;
        }
        endpoint.handle(json, res);
    }

    private void chat(JsonNode json, ServerResponse res) {
        Optional<GlmRequestRules.Violation> violation = rules.chat(json);
        if (violation.isPresent()) {
            sendError(res, violation.get().status(), violation.get().code(), violation.get().message());
        } else {
            chat.answer(json, res);
        }
    }

    private void embeddings(JsonNode json, ServerResponse res) {
        Optional<GlmRequestRules.Violation> violation = rules.embeddings(json);
        if (violation.isPresent()) {
            sendError(res, violation.get().status(), violation.get().code(), violation.get().message());
        } else {
            res.header("Content-Type", "application/json; charset=UTF-8");
            res.send(GlmEmbeddingsEndpoint.answer(json));
        }
    }

    private static void sendError(ServerResponse res, int status, String code, String message) {
        res.status(status);
        res.header("Content-Type", "application/json; charset=UTF-8");
        res.send(GlmWire.error(code, message));
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
            return GlmSimulator.JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
