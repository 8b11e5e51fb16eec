package io.modelbridge.testkit.ernie;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Header;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.SimulatorKnobs;
import io.modelbridge.testkit.SimulatorKnobs.ScriptedError;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The simulator's HTTP side. The token endpoint checks {@code client_id} and {@code client_secret}; the model
 * endpoints check {@code access_token} (error 110 unknown, 111 expired), then apply a scripted error, then answer.
 * Like ERNIE, every model-endpoint error is HTTP 200 with an {@code error_code} body.
 */
final class ErnieRoutes {
    static final String PREFIX = "/rpc/2.0/ai_custom/v1/wenxinworkshop";

    private final ErnieSimulator.Account account;
    private final Map<String, Integer> chatModels;
    private final ErnieTokens tokens;
    private final SimulatorKnobs knobs;
    private final Consumer<RecordedRequest> recorder;
    private final ErnieChatEndpoint chat;
    private final ErnieEmbeddingsEndpoint embeddings = new ErnieEmbeddingsEndpoint();
    private final AtomicInteger served = new AtomicInteger();
    private volatile Duration tokenDelay = Duration.ZERO;

    ErnieRoutes(ErnieSimulator.Account account, Map<String, Integer> chatModels, ErnieTokens tokens,
                SimulatorKnobs knobs, ErnieChatEndpoint chat, Consumer<RecordedRequest> recorder) {
        this.account = account;
        this.chatModels = chatModels;
        this.tokens = tokens;
        this.knobs = knobs;
        this.chat = chat;
        this.recorder = recorder;
    }

    void register(HttpRouting.Builder routing) {
        routing.post("/oauth/2.0/token", this::token)
                .get("/oauth/2.0/token", this::token)
                .post(PREFIX + "/chat/{model}", (req, res) -> serve(req, res, this::chat))
                .post(PREFIX + "/embeddings/{model}", (req, res) -> serve(req, res, this::embeddings))
                .any((req, res) -> serve(req, res, (model, json, r) -> send(r, 200,
                        ErnieWire.error(3, "Unsupported openapi method", null))));
    }

    void embeddingTokensPerBatch(long tokens) {
        embeddings.reportedTokens = tokens;
    }

    void tokenDelay(Duration delay) {
        tokenDelay = delay;
    }

    private void token(ServerRequest req, ServerResponse res) {
        record(req);
        knobs.hangIfConfigured();
        pause(tokenDelay);
        String grant = query(req, "grant_type").orElse("");
        String clientId = query(req, "client_id").orElse("");
        String secret = query(req, "client_secret").orElse("");
        if (!grant.equals("client_credentials")) {
            send(res, 400, ErnieWire.oauthError("unsupported_grant_type", "The authorization grant type is not supported"));
        } else if (!clientId.equals(account.apiKey())) {
            send(res, 401, ErnieWire.oauthError("invalid_client", "unknown client id"));
        } else if (!secret.equals(account.secretKey())) {
            send(res, 401, ErnieWire.oauthError("invalid_client", "Client authentication failed"));
        } else {
            send(res, 200, ErnieWire.token(tokens.issue(), tokens.lifetimeSeconds()));
        }
    }

    /** An endpoint of a model: the path's model suffix and the parsed body. */
    private interface Endpoint {
        void handle(String model, JsonNode json, ServerResponse res);
    }

    /** What every model call goes through: recording, hang, token check, scripted error, JSON parsing. */
    private void serve(ServerRequest req, ServerResponse res, Endpoint endpoint) {
        String body = record(req);
        knobs.hangIfConfigured();
        res.header("X-Baidu-Request-Id", "sim-" + served.incrementAndGet());
        switch (tokens.check(query(req, "access_token").orElse(null))) {
            case UNKNOWN -> {
                send(res, 200, ErnieWire.error(110, "Access token invalid or no longer valid", null));
                return;
            }
            case EXPIRED -> {
                send(res, 200, ErnieWire.error(111, "Access token expired", null));
                return;
            }
            case VALID -> { }
        }
        Optional<ScriptedError> scripted = knobs.takeError();
        if (scripted.isPresent()) {
            ScriptedError e = scripted.get();
            if (e.rawBody() != null) {
                res.status(e.status());
                res.header("Content-Type", e.type());
                res.send(e.rawBody());
            } else {
                send(res, e.status(), ErnieWire.error(Integer.parseInt(e.code()), e.message(), null));
            }
            return;
        }
        JsonNode json = parse(body);
        if (json == null || !json.isObject()) {
            send(res, 200, ErnieWire.error(336002, "Invalid JSON", null));
            return;
        }
        endpoint.handle(req.path().pathParameters().first("model").orElse(""), json, res);
    }

    private void chat(String model, JsonNode json, ServerResponse res) {
        Integer maxOutput = chatModels.get(model);
        if (maxOutput == null) {
            send(res, 200, ErnieWire.error(3, "Unsupported openapi method", null));
            return;
        }
        Optional<ErnieRequestCheck.Refusal> refusal = ErnieRequestCheck.chat(json, maxOutput);
        if (refusal.isPresent()) {
            send(res, 200, ErnieWire.error(refusal.get().code(), refusal.get().message(), null));
            return;
        }
        chat.answer(json, res);
    }

    private void embeddings(String model, JsonNode json, ServerResponse res) {
        if (!ErnieEmbeddingsEndpoint.DIMENSIONS.containsKey(model)) {
            send(res, 200, ErnieWire.error(3, "Unsupported openapi method", null));
            return;
        }
        send(res, 200, embeddings.answer(model, json));
    }

    private String record(ServerRequest req) {
        String body = req.content().hasEntity() ? req.content().as(String.class) : "";
        recorder.accept(new RecordedRequest(req.prologue().method().text(), req.path().path(), req.query().rawValue(),
                headers(req), body, parse(body)));
        return body;
    }

    private static Optional<String> query(ServerRequest req, String name) {
        return req.query().first(name).asOptional();
    }

    private static void send(ServerResponse res, int status, String body) {
        res.status(status);
        res.header("Content-Type", "application/json");
        res.send(body);
    }

    private void pause(Duration delay) {
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
            return ErnieSimulator.JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
