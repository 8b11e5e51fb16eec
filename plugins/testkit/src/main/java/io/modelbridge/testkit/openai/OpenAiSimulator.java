package io.modelbridge.testkit.openai;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.webserver.WebServer;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.SecretLedger;
import io.modelbridge.testkit.SimulatorKnobs;
import io.modelbridge.testkit.SimulatorKnobs.ScriptedError;
import io.modelbridge.testkit.SimulatorServer;
import io.modelbridge.testkit.UpstreamFault;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local OpenAI API on 127.0.0.1 (random port) speaking the wire format of vendor-protocols.md section 1:
 * {@code POST /v1/chat/completions} (plain, streamed, tool calls), {@code POST /v1/embeddings},
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}. Answers are derived from the request (see
 * {@link ChatPlan}); faults are set at run time through the knob methods and cleared by {@link #reset()}. Started with
 * an {@link OpenAiStyle}, it speaks an OpenAI-compatible vendor instead: its base path, auth header, usage placement
 * and error codes ({@link #start()} is {@link OpenAiStyle#OPENAI}).
 */
public final class OpenAiSimulator implements AutoCloseable {
    /** The default key; any non-blank key may be chosen. */
    public static final String DEFAULT_KEY = "sk-sim-0123456789abcdef";
    /** The models served when none are given. */
    public static final List<String> DEFAULT_MODELS =
            List.of("gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "text-embedding-3-large");

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final OpenAiStyle style;
    private final String apiKey;
    private final Set<String> models;
    private final SimulatorKnobs knobs = new SimulatorKnobs();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final WebServer server;

    private OpenAiSimulator(OpenAiStyle style, String apiKey, Collection<String> models) {
        SecretLedger.record(apiKey);
        this.style = style;
        this.apiKey = apiKey;
        this.models = Set.copyOf(models);
        OpenAiRoutes routes = new OpenAiRoutes(style, apiKey, this.models, knobs, requests::add);
        this.server = SimulatorServer.builder()
                .routing(routes::register).build().start();
    }

    /** A simulator with {@link #DEFAULT_KEY} serving {@link #DEFAULT_MODELS}. */
    public static OpenAiSimulator start() {
        return start(DEFAULT_KEY, DEFAULT_MODELS);
    }

    public static OpenAiSimulator start(String apiKey, Collection<String> models) {
        return start(OpenAiStyle.OPENAI, apiKey, models);
    }

    /** A simulator of an OpenAI-compatible vendor that differs from OpenAI as {@code style} says. */
    public static OpenAiSimulator start(OpenAiStyle style, String apiKey, Collection<String> models) {
        return new OpenAiSimulator(style, apiKey, models);
    }

    /** {@code http://127.0.0.1:<port>}, without the style's base path (ProviderSettings.endpoint adds the path). */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    public int port() {
        return server.port();
    }

    public String apiKey() {
        return apiKey;
    }

    /** The vector the simulator returns for {@code text} at {@code dimensions}. */
    public static float[] embeddingOf(String text, int dimensions) {
        return EmbeddingsEndpoint.vector(text, dimensions);
    }

    // ---- knobs -------------------------------------------------------------------------------------------------

    /** The next {@code count} requests (after authentication) get this status and OpenAI error body. */
    public void failNext(int count, int status, String type, String code, String message) {
        knobs.failNext(count, new ScriptedError(status, type, code, message, null));
    }

    /** The next {@code count} requests get this status and body verbatim (not OpenAI's error shape). */
    public void failNextWithBody(int count, int status, String contentType, String body) {
        knobs.failNext(count, ScriptedError.raw(status, contentType, body));
    }

    public void failNextServerError(int count) {
        failNext(count, 500, "server_error", null, "The server had an error while processing your request. Sorry about that!");
    }

    public void failNextOverloaded(int count) {
        failNext(count, 503, "server_error", null, "The engine is currently overloaded, please try again later.");
    }

    /** The style's rate limit error (OpenAI: 429 {@code rate_limit_exceeded}) with {@code Retry-After} in seconds. */
    public void failNextRateLimited(int count, Duration retryAfter) {
        OpenAiStyle.Error e = style.errors().rateLimited();
        knobs.failNext(count, new ScriptedError(e.status(), e.type(), e.code(),
                "Rate limit reached for gpt-4o on requests per min (RPM): Limit 3, Used 3, Requested 1.", retryAfter));
    }

    public void failNextQuotaExceeded(int count) {
        fail(count, style.errors().quotaExceeded(),
                "You exceeded your current quota, please check your plan and billing details.");
    }

    public void failNextBadRequest(int count, String message) {
        fail(count, style.errors().badRequest(), message);
    }

    public void failNextContextTooLong(int count) {
        fail(count, style.errors().contextTooLong(),
                "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.");
    }

    private void fail(int count, OpenAiStyle.Error error, String message) {
        failNext(count, error.status(), error.type(), error.code(), message);
    }

    /** Every request waits this long before its status line (released early by {@link #reset()}). */
    public void hangBeforeHeaders(Duration delay) {
        knobs.hangBeforeHeaders(delay);
    }

    /** Streams wait this long before each event. */
    public void chunkDelay(Duration delay) {
        knobs.eventDelay(delay);
    }

    /** Holds stream events after the first until {@link #releaseEvents(int)} or {@link #reset()}. */
    public void gateEvents() {
        knobs.gateEvents();
    }

    public void releaseEvents(int count) {
        knobs.releaseEvents(count);
    }

    /** Words of reply text per content chunk (default 1). */
    public void wordsPerChunk(int words) {
        knobs.wordsPerChunk(words);
    }

    /** A fixed reply text instead of the echo; null restores the echo. Longer text means more chunks. */
    public void replyWith(String text) {
        knobs.replyText(text);
    }

    /** Streams cut the TCP connection after {@code events} events, without {@code [DONE]}. */
    public void dropStreamAfter(int events) {
        knobs.dropAfterEvents(events);
    }

    /** Streams send {@code data: {"error":{...server_error...}}} after {@code events} events, then end. */
    public void errorEventAfter(int events) {
        knobs.errorEventAfter(events);
    }

    /** Streams send an event whose data is cut-off JSON after {@code events} events, then end without {@code [DONE]}. */
    public void malformedEventAfter(int events) {
        knobs.malformedEventAfter(events);
    }

    /** Streams send half an event, cut mid-line, after {@code events} events, then end the response. */
    public void truncateEventAfter(int events) {
        knobs.truncateEventAfter(events);
    }

    /** Streams go silent after {@code events} events and never end (until {@link #reset()}). */
    public void stallStreamAfter(int events) {
        knobs.stallStreamAfter(events);
    }

    /** Applies a vendor-neutral fault (what the contract test uses). */
    public void inject(UpstreamFault fault) {
        switch (fault) {
            case UpstreamFault.RateLimited f -> failNextRateLimited(1, f.retryAfter());
            case UpstreamFault.QuotaExhausted f -> failNextQuotaExceeded(1);
            case UpstreamFault.BadRequest f -> failNextBadRequest(1, f.message());
            case UpstreamFault.ContextTooLong f -> failNextContextTooLong(1);
            case UpstreamFault.ServerError f -> failNext(1, f.status(), "server_error", null,
                    "The server had an error while processing your request. Sorry about that!");
            case UpstreamFault.HangBeforeHeaders f -> hangBeforeHeaders(f.delay());
            case UpstreamFault.SlowStream f -> chunkDelay(f.delayPerEvent());
            case UpstreamFault.DropStreamAfter f -> dropStreamAfter(f.events());
            case UpstreamFault.ErrorEventAfter f -> errorEventAfter(f.events());
        }
    }

    /** Clears every knob and scripted error and releases hanging requests; recordings and counters stay. */
    public void reset() {
        knobs.reset();
    }

    // ---- observations ------------------------------------------------------------------------------------------

    /** Every request received, in arrival order. */
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

    /** Streams the client closed while the simulator was still writing them. */
    public int cancelledStreams() {
        return knobs.cancelledStreams();
    }

    /** Waits until at least {@code count} streams were cancelled by clients; false on timeout. */
    public boolean awaitCancelledStreams(int count, Duration within) {
        return knobs.awaitCancelledStreams(count, within);
    }

    @Override
    public void close() {
        knobs.reset();
        server.stop();
    }
}
