package io.modelbridge.testkit.ernie;

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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local Baidu ERNIE (Qianfan classic API) on 127.0.0.1 (random port), per vendor-protocols.md section 3:
 * {@code /oauth/2.0/token} issues access tokens for one API Key / Secret Key pair and expires them;
 * {@code /rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{model}} answers whole or as SSE with {@code is_end}, with
 * function calls; {@code .../embeddings/{model}} returns vectors. Errors are ERNIE's: HTTP 200 with
 * {@code error_code}. Answers follow {@link ErniePlan}; faults are set through the knob methods and cleared by
 * {@link #reset()}.
 */
public final class ErnieSimulator implements AutoCloseable {
    public static final String DEFAULT_API_KEY = "simAK0123456789abcdefGHIJ";
    public static final String DEFAULT_SECRET_KEY = "simSK9876543210zyxwvuTSRQ";
    /** Chat endpoints served (path suffix to the largest max_output_tokens). */
    public static final Map<String, Integer> CHAT_MODELS = Map.ofEntries(
            Map.entry("completions", 2048), Map.entry("completions_pro", 2048),
            Map.entry("ernie-4.0-8k-latest", 2048), Map.entry("ernie-4.0-turbo-8k", 2048),
            Map.entry("ernie-3.5-128k", 4096), Map.entry("ernie_speed", 4096), Map.entry("ernie-speed-128k", 4096),
            Map.entry("eb-instant", 4096), Map.entry("ernie-lite-8k", 4096), Map.entry("ernie-tiny-8k", 4096),
            Map.entry("ernie-func-8k", 2048));

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** The one application the simulator knows. */
    record Account(String apiKey, String secretKey) {}

    private final Account account;
    private final SimulatorKnobs knobs = new SimulatorKnobs();
    private final ErnieTokens tokens = new ErnieTokens(Clock.systemUTC());
    private final AtomicInteger flagNext = new AtomicInteger();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final ErnieRoutes routes;
    private final WebServer server;

    private ErnieSimulator(String apiKey, String secretKey) {
        SecretLedger.record(apiKey);
        SecretLedger.record(secretKey);
        this.account = new Account(apiKey, secretKey);
        ErnieChatEndpoint chat = new ErnieChatEndpoint(knobs, () -> flagNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
        this.routes = new ErnieRoutes(account, CHAT_MODELS, tokens, knobs, chat, requests::add);
        this.server = SimulatorServer.builder()
                .routing(routes::register).build().start();
    }

    public static ErnieSimulator start() {
        return start(DEFAULT_API_KEY, DEFAULT_SECRET_KEY);
    }

    public static ErnieSimulator start(String apiKey, String secretKey) {
        return new ErnieSimulator(apiKey, secretKey);
    }

    /** {@code http://127.0.0.1:<port>}: the channel's base URL; the token and model paths go under it. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** The channel credential the simulator accepts: {@code API_KEY|SECRET_KEY}. */
    public String credential() {
        return account.apiKey() + "|" + account.secretKey();
    }

    public String apiKey() {
        return account.apiKey();
    }

    public String secretKey() {
        return account.secretKey();
    }

    /** The vector the simulator returns for {@code text} from a model with {@code dimensions}. */
    public static float[] embeddingOf(String text, int dimensions) {
        return OpenAiSimulator.embeddingOf(text, dimensions);
    }

    // ---- token knobs -------------------------------------------------------------------------------------------

    /** The {@code expires_in} of tokens issued from now on (default 30 days). */
    public void tokenLifetime(Duration lifetime) {
        tokens.lifetime(lifetime);
    }

    /** Every token issued so far is expired now: the next call with one gets error 111. */
    public void expireAllTokens() {
        tokens.expireAll();
    }

    /** While on, every token (also a fresh one) is answered with error 111. */
    public void rejectAllTokens(boolean reject) {
        tokens.rejectAll(reject);
    }

    /** Every embeddings answer reports this many prompt and total tokens (a hostile count), until reset. */
    public void embeddingTokensPerBatch(long tokens) {
        routes.embeddingTokensPerBatch(tokens);
    }

    /** The token endpoint waits this long before answering (to make concurrent fetches overlap). */
    public void tokenDelay(Duration delay) {
        routes.tokenDelay(delay);
    }

    // ---- error knobs -------------------------------------------------------------------------------------------

    /** The next {@code count} model calls (after the token check) get this ERNIE error with this HTTP status. */
    public void failNext(int count, int httpStatus, int errorCode, String message) {
        knobs.failNext(count, new ScriptedError(httpStatus, "ernie", String.valueOf(errorCode), message, null));
    }

    public void failNext(int count, int errorCode, String message) {
        failNext(count, 200, errorCode, message);
    }

    /** The next {@code count} model calls get this status and body verbatim (a proxy's page, garbage). */
    public void failNextWithBody(int count, int status, String contentType, String body) {
        knobs.failNext(count, ScriptedError.raw(status, contentType, body));
    }

    /** Error 18, ERNIE's QPS limit. ERNIE sends no Retry-After. */
    public void failNextRateLimited(int count) {
        failNext(count, 18, "Open api qps request limit reached");
    }

    /**
     * Error 17, ERNIE's daily request quota, which is also its answer when the paid service is not enabled or the
     * account is in arrears (the qianfan SDK's hint for 17). HTTP 200, as every ERNIE error.
     */
    public void failNextOutOfQuota(int count) {
        failNext(count, 17, "Open api daily request limit reached");
    }

    /** The next {@code count} conversations are refused by the safety system (need_clear_history, ban_round -1). */
    public void flagNext(int count) {
        flagNext.set(count);
    }

    /** Every call waits this long before its status line (released early by {@link #reset()}). */
    public void hangBeforeHeaders(Duration delay) {
        knobs.hangBeforeHeaders(delay);
    }

    public void chunkDelay(Duration delay) {
        knobs.eventDelay(delay);
    }

    public void wordsPerChunk(int words) {
        knobs.wordsPerChunk(words);
    }

    /** A fixed reply text instead of the echo; null restores the echo. */
    public void replyWith(String text) {
        knobs.replyText(text);
    }

    /** Applies a vendor-neutral fault in ERNIE's words (what the contract test uses). */
    public void inject(UpstreamFault fault) {
        switch (fault) {
            case UpstreamFault.RateLimited f -> failNextRateLimited(1);
            case UpstreamFault.QuotaExhausted f -> failNextOutOfQuota(1);
            case UpstreamFault.BadRequest f -> failNext(1, 336003, f.message());
            case UpstreamFault.ContextTooLong f -> failNext(1, 336003, "the max input characters is 20000, "
                    + "prompt tokens too long");
            case UpstreamFault.ServerError f -> failNext(1, f.status() == 503 ? 336100 : 336000,
                    f.status() == 503 ? "Server high load, please try again later" : "Internal error");
            case UpstreamFault.HangBeforeHeaders f -> hangBeforeHeaders(f.delay());
            case UpstreamFault.SlowStream f -> chunkDelay(f.delayPerEvent());
            case UpstreamFault.DropStreamAfter f -> knobs.dropAfterEvents(f.events());
            case UpstreamFault.ErrorEventAfter f -> knobs.errorEventAfter(f.events());
        }
    }

    /** Clears every knob and scripted error and releases hanging calls; tokens, recordings and counters stay. */
    public void reset() {
        knobs.reset();
        tokens.reset();
        flagNext.set(0);
        routes.tokenDelay(Duration.ZERO);
        routes.embeddingTokensPerBatch(-1);
    }

    // ---- observations ------------------------------------------------------------------------------------------

    /** Tokens issued since the start. */
    public int tokensIssued() {
        return tokens.issued();
    }

    /** Calls answered with error 111 (expired token) since the start. */
    public int expiredTokenAnswers() {
        return tokens.expiredAnswers();
    }

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

    @Override
    public void close() {
        knobs.reset();
        server.stop();
    }
}
