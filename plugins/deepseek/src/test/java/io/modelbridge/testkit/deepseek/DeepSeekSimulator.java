package io.modelbridge.testkit.deepseek;

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
 * A local DeepSeek API on 127.0.0.1 (random port) speaking vendor-protocols.md section 2: {@code POST
 * /chat/completions} (and its {@code /v1} alias) plain and streamed, with {@code reasoning_content} for
 * {@code deepseek-reasoner}, tool calls, DeepSeek's usage fields (cache hit/miss split), its keep-alive padding, its
 * error statuses (400/401/402/422/429/500/503) and bodies, and {@code GET /models}. Answers are derived from the
 * request ({@link DeepSeekPlan}); faults are set through the knob methods and cleared by {@link #reset()}.
 */
public final class DeepSeekSimulator implements AutoCloseable {
    public static final String DEFAULT_KEY = "sk-dssim0123456789abcdef01234567";
    public static final List<String> DEFAULT_MODELS = List.of("deepseek-chat", "deepseek-reasoner");

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final String apiKey;
    private final SimulatorKnobs knobs = new SimulatorKnobs();
    private final Options options = new Options();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final WebServer server;

    /** DeepSeek-specific settings; {@link #reset()} restores the defaults. */
    static final class Options {
        private volatile int keepAlives = 1;
        private volatile boolean cacheHits;
        private volatile boolean rejectReasoningHistory = true;

        int keepAlives() {
            return keepAlives;
        }

        boolean cacheHits() {
            return cacheHits;
        }

        boolean rejectReasoningHistory() {
            return rejectReasoningHistory;
        }

        void reset() {
            keepAlives = 1;
            cacheHits = false;
            rejectReasoningHistory = true;
        }
    }

    private DeepSeekSimulator(String apiKey, Collection<String> models) {
        SecretLedger.record(apiKey);
        this.apiKey = apiKey;
        DeepSeekRoutes routes = new DeepSeekRoutes(apiKey, Set.copyOf(models), knobs, options, requests::add);
        this.server = SimulatorServer.builder()
                .routing(routes::register).build().start();
    }

    public static DeepSeekSimulator start() {
        return start(DEFAULT_KEY, DEFAULT_MODELS);
    }

    public static DeepSeekSimulator start(String apiKey, Collection<String> models) {
        return new DeepSeekSimulator(apiKey, models);
    }

    /** {@code http://127.0.0.1:<port>} (the adapter appends {@code /chat/completions}). */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    public String apiKey() {
        return apiKey;
    }

    // ---- knobs -------------------------------------------------------------------------------------------------

    /** The next {@code count} requests (after authentication) get this status and DeepSeek error body. */
    public void failNext(int count, int status, String type, String message) {
        knobs.failNext(count, new ScriptedError(status, type, null, message, null));
    }

    /** The next {@code count} requests get this status and body verbatim. */
    public void failNextWithBody(int count, int status, String contentType, String body) {
        knobs.failNext(count, ScriptedError.raw(status, contentType, body));
    }

    /**
     * 429 "Rate Limit Reached". DeepSeek documents no Retry-After; {@code retryAfter} non-null adds one (as a proxy in
     * front of DeepSeek might), null sends none.
     */
    public void failNextRateLimited(int count, Duration retryAfter) {
        knobs.failNext(count, new ScriptedError(429, "rate_limit_reached_error", null, "Rate Limit Reached", retryAfter));
    }

    /** 402 "Insufficient Balance". */
    public void failNextInsufficientBalance(int count) {
        failNext(count, 402, "unknown_error", "Insufficient Balance");
    }

    /** 422 Invalid Parameters with this message. */
    public void failNextInvalidParameters(int count, String message) {
        failNext(count, 422, "invalid_request_error", message);
    }

    public void failNextContextTooLong(int count) {
        failNext(count, 400, "invalid_request_error", "This model's maximum context length is 65536 tokens. However, "
                + "you requested 66343 tokens (62247 in the messages, 4096 in the completion). Please reduce the "
                + "length of the messages or completion.");
    }

    /** 500 Server Error, or 503 Server Overloaded. */
    public void failNextServerError(int count, int status) {
        failNext(count, status, "server_error", status == 503 ? "Server Overloaded" : "Server Error");
    }

    public void hangBeforeHeaders(Duration delay) {
        knobs.hangBeforeHeaders(delay);
    }

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

    public void wordsPerChunk(int words) {
        knobs.wordsPerChunk(words);
    }

    public void replyWith(String text) {
        knobs.replyText(text);
    }

    public void dropStreamAfter(int events) {
        knobs.dropAfterEvents(events);
    }

    /** Streams end with {@code finish_reason: "insufficient_system_resource"} after {@code events} events. */
    public void outOfCapacityAfter(int events) {
        knobs.errorEventAfter(events);
    }

    /** How many {@code : keep-alive} comments (stream) or blank lines (JSON) precede an answer; default 1. */
    public void keepAlives(int count) {
        options.keepAlives = count;
    }

    /** Reports half of every prompt as a context-cache hit. */
    public void cacheHits(boolean on) {
        options.cacheHits = on;
    }

    /** Whether the reasoner answers 400 to input messages carrying {@code reasoning_content} (default true). */
    public void rejectReasoningHistory(boolean on) {
        options.rejectReasoningHistory = on;
    }

    /** The vendor-neutral faults of the contract test, in DeepSeek's words. */
    public void inject(UpstreamFault fault) {
        switch (fault) {
            case UpstreamFault.RateLimited f -> failNextRateLimited(1, null);
            case UpstreamFault.QuotaExhausted f -> failNextInsufficientBalance(1);
            case UpstreamFault.BadRequest f -> failNextInvalidParameters(1, f.message());
            case UpstreamFault.ContextTooLong f -> failNextContextTooLong(1);
            case UpstreamFault.ServerError f -> failNextServerError(1, f.status());
            case UpstreamFault.HangBeforeHeaders f -> hangBeforeHeaders(f.delay());
            case UpstreamFault.SlowStream f -> chunkDelay(f.delayPerEvent());
            case UpstreamFault.DropStreamAfter f -> dropStreamAfter(f.events());
            case UpstreamFault.ErrorEventAfter f -> outOfCapacityAfter(f.events());
        }
    }

    /** Clears every knob and scripted error and releases hanging requests; recordings and counters stay. */
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
