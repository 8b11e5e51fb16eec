package io.modelbridge.testkit.glm;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.webserver.WebServer;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.SecretLedger;
import io.modelbridge.testkit.SimulatorKnobs;
import io.modelbridge.testkit.SimulatorKnobs.ScriptedError;
import io.modelbridge.testkit.SimulatorServer;
import io.modelbridge.testkit.UpstreamFault;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local Zhipu GLM v4 API on 127.0.0.1 (random port), per vendor-protocols.md section 6 and docs/vendors/glm.md:
 * {@code POST /api/paas/v4/chat/completions} (plain, SSE stream, function tools) and {@code POST /api/paas/v4/embeddings}.
 * It checks the {@code Authorization} header as Zhipu does ({@link GlmTokenVerifier}: the JWT's HS256 signature
 * against the key's secret and its millisecond expiry) and answers with Zhipu's error bodies and codes. Answers are
 * derived from the request ({@link GlmPlan}); faults are knobs, cleared by {@link #reset()}.
 */
public final class GlmSimulator implements AutoCloseable {
    /** The default key id and secret; {@link #DEFAULT_KEY} is what a channel's credential holds. */
    public static final String DEFAULT_KEY_ID = "5f3c2a1b0e9d8c7b6a5f4e3d2c1b0a99";
    public static final String DEFAULT_SECRET = "SimSecret0123456";
    public static final String DEFAULT_KEY = DEFAULT_KEY_ID + "." + DEFAULT_SECRET;
    public static final Set<String> CHAT_MODELS = Set.of("glm-4-plus", "glm-4-flash", "glm-4", "glm-4.5", "glm-4v-plus");
    public static final Set<String> EMBEDDING_MODELS = Set.of("embedding-2", "embedding-3");

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final SimulatorKnobs knobs = new SimulatorKnobs();
    private final GlmKnobs glm = new GlmKnobs();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final WebServer server;

    private GlmSimulator(Map<String, String> secretsById) {
        secretsById.forEach((id, secret) -> {
            SecretLedger.record(secret);
            SecretLedger.record(id + "." + secret);
        });
        GlmRoutes routes = new GlmRoutes(new GlmTokenVerifier(secretsById),
                new GlmRequestRules(CHAT_MODELS, EMBEDDING_MODELS), knobs, glm, requests::add);
        this.server = SimulatorServer.builder()
                .routing(routes::register).build().start();
    }

    /** A simulator that knows the key {@link #DEFAULT_KEY}. */
    public static GlmSimulator start() {
        return start(Map.of(DEFAULT_KEY_ID, DEFAULT_SECRET));
    }

    /** A simulator that knows these keys (id → secret). */
    public static GlmSimulator start(Map<String, String> secretsById) {
        return new GlmSimulator(secretsById);
    }

    /** {@code http://127.0.0.1:<port>}; ProviderSettings.endpoint appends {@code /api/paas/v4/...}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    public String apiKey() {
        return DEFAULT_KEY;
    }

    /** The vector the simulator returns for {@code text} at {@code dimensions}. */
    public static float[] embeddingOf(String text, int dimensions) {
        return OpenAiSimulator.embeddingOf(text, dimensions);
    }

    // ---- knobs -------------------------------------------------------------------------------------------------

    /** The next {@code count} authenticated requests get this status and GLM error body. */
    public void failNext(int count, int status, String code, String message) {
        knobs.failNext(count, new ScriptedError(status, null, code, message, null));
    }

    /** As {@link #failNext} with a {@code Retry-After} header (Zhipu documents none; a proxy in front may add one). */
    public void failNextWithRetryAfter(int count, int status, String code, String message, Duration retryAfter) {
        knobs.failNext(count, new ScriptedError(status, null, code, message, retryAfter));
    }

    /** The next {@code count} requests get this status and body verbatim (not GLM's error shape). */
    public void failNextWithBody(int count, int status, String contentType, String body) {
        knobs.failNext(count, ScriptedError.raw(status, contentType, body));
    }

    /** 429 with code 1302, Zhipu's concurrency limit (no Retry-After, as Zhipu sends none). */
    public void failNextRateLimited(int count) {
        failNext(count, 429, "1302", "您当前使用该API的并发数过高，请降低并发，或联系客服增加限额");
    }

    /** 429 with code 1113: the account is in arrears. */
    public void failNextInArrears(int count) {
        failNext(count, 429, "1113", "您的账户已欠费，请充值后重试");
    }

    /** 400 with code 1301: Zhipu's safety review refused the prompt. */
    public void failNextContentFilter(int count) {
        failNext(count, 400, "1301",
                "系统检测到输入或生成内容可能包含不安全或敏感内容，请您避免输入易产生敏感内容的提示语，感谢您的配合");
    }

    /** Every request waits this long before its status line (released early by {@link #reset()}). */
    public void hangBeforeHeaders(Duration delay) {
        knobs.hangBeforeHeaders(delay);
    }

    /** Streams wait this long before each event. */
    public void chunkDelay(Duration delay) {
        knobs.eventDelay(delay);
    }

    /** A fixed reply text instead of the echo; null restores the echo. */
    public void replyWith(String text) {
        knobs.replyText(text);
    }

    /** Streams cut the connection after {@code events} events, without {@code [DONE]}. */
    public void dropStreamAfter(int events) {
        knobs.dropAfterEvents(events);
    }

    /** Streams send {@code data: {"error":{"code":"1234",...}}} after {@code events} events, then end. */
    public void errorEventAfter(int events) {
        knobs.errorEventAfter(events);
    }

    /** Answers finish with this GLM finish reason ({@code sensitive}, {@code network_error}); null restores it. */
    public void finishWith(String reason) {
        glm.finishReason(reason);
    }

    /** Streamed tool calls send the arguments in 8-character fragments after a first chunk with id and name. */
    public void fragmentToolArguments(boolean fragment) {
        glm.fragmentToolArguments(fragment);
    }

    /** Every JWT issued ({@code timestamp}) at or before {@code instant} is answered with 1003 (token expired). */
    public void expireTokensIssuedUpTo(Instant instant) {
        glm.tokensExpiredUpTo(instant);
    }

    /** Applies a vendor-neutral fault the way Zhipu shows it. */
    public void inject(UpstreamFault fault) {
        switch (fault) {
            case UpstreamFault.RateLimited f -> failNextRateLimited(1);
            case UpstreamFault.QuotaExhausted f -> failNextInArrears(1);
            case UpstreamFault.BadRequest f -> failNext(1, 400, "1214", f.message());
            case UpstreamFault.ContextTooLong f -> failNext(1, 400, "1261", "Prompt 超长");
            case UpstreamFault.ServerError f -> {
                if (f.status() == 503) {
                    failNext(1, 503, "1305", "该模型当前访问量过大，请您稍后再试");
                } else {
                    failNext(1, f.status(), "500", "内部错误");
                }
            }
            case UpstreamFault.HangBeforeHeaders f -> hangBeforeHeaders(f.delay());
            case UpstreamFault.SlowStream f -> chunkDelay(f.delayPerEvent());
            case UpstreamFault.DropStreamAfter f -> dropStreamAfter(f.events());
            case UpstreamFault.ErrorEventAfter f -> errorEventAfter(f.events());
        }
    }

    /** Clears every knob and scripted error and releases hanging requests; recordings and counters stay. */
    public void reset() {
        knobs.reset();
        glm.reset();
    }

    // ---- observations ------------------------------------------------------------------------------------------

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public RecordedRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new IllegalStateException("the simulator has received no request");
        }
        return requests.getLast();
    }

    public void clearRequests() {
        requests.clear();
    }

    public int cancelledStreams() {
        return knobs.cancelledStreams();
    }

    public boolean awaitCancelledStreams(int count, Duration within) {
        return knobs.awaitCancelledStreams(count, within);
    }

    @Override
    public void close() {
        knobs.reset();
        glm.reset();
        server.stop();
    }
}
