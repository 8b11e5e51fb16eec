package io.modelbridge.testkit.qwen;

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
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local DashScope (Alibaba Model Studio) on 127.0.0.1 (random port) speaking the native protocol of
 * vendor-protocols.md section 4: text generation ({@code input.messages}, {@code parameters}, JSON or SSE with
 * {@code id:/event:result/:HTTP_STATUS/200/data:} framing, string {@code "null"} finish reasons, cumulative usage,
 * no terminator), tool calls, thinking ({@code enable_thinking}), text embeddings, the bearer-key check and
 * DashScope's error bodies. Answers are derived from the request ({@link QwenPlan}); faults are set through the knob
 * methods and cleared by {@link #reset()}.
 */
public final class QwenSimulator implements AutoCloseable {
    public static final String DEFAULT_KEY = "sk-qwensim00112233445566778899aa";
    public static final List<String> DEFAULT_MODELS = List.of("qwen-plus", "qwen-turbo", "qwen-max",
            "qwen3-235b-a22b", "text-embedding-v1", "text-embedding-v2", "text-embedding-v3", "text-embedding-v4");

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final String apiKey;
    private final SimulatorKnobs knobs = new SimulatorKnobs();
    private final Options options = new Options();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final WebServer server;

    /** DashScope-specific settings; {@link #reset()} restores the defaults. */
    static final class Options {
        private volatile int contentFilterAfter = -1;
        private volatile long embeddingTokens = -1;

        int contentFilterAfter() {
            return contentFilterAfter;
        }

        /** The total_tokens every embeddings answer reports, or -1 to count the texts' words. */
        long embeddingTokens() {
            return embeddingTokens;
        }

        void reset() {
            contentFilterAfter = -1;
            embeddingTokens = -1;
        }
    }

    private QwenSimulator(String apiKey, Collection<String> models) {
        SecretLedger.record(apiKey);
        this.apiKey = apiKey;
        QwenRoutes routes = new QwenRoutes(apiKey, Set.copyOf(models), knobs, options, requests::add);
        this.server = SimulatorServer.builder()
                .routing(routes::register).build().start();
    }

    public static QwenSimulator start() {
        return start(DEFAULT_KEY, DEFAULT_MODELS);
    }

    public static QwenSimulator start(String apiKey, Collection<String> models) {
        return new QwenSimulator(apiKey, models);
    }

    /** {@code http://127.0.0.1:<port>} (the adapter appends {@code /api/v1/services/...}). */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    public String apiKey() {
        return apiKey;
    }

    /** The vector the simulator returns for {@code text} at {@code dimensions}. */
    public static float[] embeddingOf(String text, int dimensions) {
        return OpenAiSimulator.embeddingOf(text, dimensions);
    }

    // ---- knobs -------------------------------------------------------------------------------------------------

    /** The next {@code count} requests (after the key check) get this status and DashScope error code. */
    public void failNext(int count, int status, String code, String message) {
        knobs.failNext(count, new ScriptedError(status, null, code, message, null));
    }

    public void failNextWithBody(int count, int status, String contentType, String body) {
        knobs.failNext(count, ScriptedError.raw(status, contentType, body));
    }

    /** 429 {@code Throttling.RateQuota}; DashScope sends no Retry-After, non-null {@code retryAfter} adds one. */
    public void failNextRateLimited(int count, Duration retryAfter) {
        knobs.failNext(count, new ScriptedError(429, null, "Throttling.RateQuota",
                "Requests rate limit exceeded, please try again later.", retryAfter));
    }

    /** 400 {@code Arrearage} (DashScope's own typo kept). */
    public void failNextArrearage(int count) {
        failNext(count, 400, "Arrearage", "Access denied, plesase make sure your account is in good standing.");
    }

    /** 400 {@code DataInspectionFailed} before any output. */
    public void failNextDataInspection(int count) {
        failNext(count, 400, "DataInspectionFailed", "Input data may contain inappropriate content.");
    }

    public void failNextInvalidParameter(int count, String message) {
        failNext(count, 400, "InvalidParameter", message);
    }

    public void failNextContextTooLong(int count) {
        failNextInvalidParameter(count, "Range of input length should be [1, 30720]");
    }

    /** 500 {@code InternalError}, or 503 (code {@code ServiceUnavailable}: UNCONFIRMED naming). */
    public void failNextServerError(int count, int status) {
        if (status == 503) {
            failNext(count, 503, "ServiceUnavailable", "Service temporarily unavailable, possibly overloaded or not ready.");
        } else {
            failNext(count, status, "InternalError",
                    "An internal error has occured, please try again later or contact service support.");
        }
    }

    public void hangBeforeHeaders(Duration delay) {
        knobs.hangBeforeHeaders(delay);
    }

    public void chunkDelay(Duration delay) {
        knobs.eventDelay(delay);
    }

    public void gateEvents() {
        knobs.gateEvents();
    }

    public void releaseEvents(int count) {
        knobs.releaseEvents(count);
    }

    public void wordsPerChunk(int words) {
        knobs.wordsPerChunk(words);
    }

    public void replyWith(String text) {
        knobs.replyText(text);
    }

    public void dropStreamAfter(int events) {
        knobs.dropAfterEvents(events);
    }

    /** Streams send {@code event:error} with {@code InternalError} after {@code events} result events. */
    public void errorEventAfter(int events) {
        knobs.errorEventAfter(events);
    }

    /** Streams send {@code event:error} with output-side {@code DataInspectionFailed} after {@code events} events. */
    public void contentFilterAfter(int events) {
        options.contentFilterAfter = events;
    }

    /** Every embeddings answer reports this usage.total_tokens (a hostile count), until {@link #reset()}. */
    public void embeddingTokensPerBatch(long tokens) {
        options.embeddingTokens = tokens;
    }

    /** The vendor-neutral faults of the contract test, in DashScope's words. */
    public void inject(UpstreamFault fault) {
        switch (fault) {
            case UpstreamFault.RateLimited f -> failNextRateLimited(1, null);
            case UpstreamFault.QuotaExhausted f -> failNextArrearage(1);
            case UpstreamFault.BadRequest f -> failNextInvalidParameter(1, f.message());
            case UpstreamFault.ContextTooLong f -> failNextContextTooLong(1);
            case UpstreamFault.ServerError f -> failNextServerError(1, f.status());
            case UpstreamFault.HangBeforeHeaders f -> hangBeforeHeaders(f.delay());
            case UpstreamFault.SlowStream f -> chunkDelay(f.delayPerEvent());
            case UpstreamFault.DropStreamAfter f -> dropStreamAfter(f.events());
            case UpstreamFault.ErrorEventAfter f -> errorEventAfter(f.events());
        }
    }

    public void reset() {
        knobs.reset();
        options.reset();
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

    public int cancelledStreams() {
        return knobs.cancelledStreams();
    }

    @Override
    public void close() {
        knobs.reset();
        server.stop();
    }
}
