package io.modelbridge.testkit.spark;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.websocket.WsRouting;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.SecretLedger;
import io.modelbridge.testkit.SimulatorKnobs;
import io.modelbridge.testkit.SimulatorKnobs.ScriptedError;
import io.modelbridge.testkit.SimulatorServer;
import io.modelbridge.testkit.UpstreamFault;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A local iFlytek Spark WebSocket chat API on 127.0.0.1 (random port), per vendor-protocols.md section 5 and
 * docs/vendors/spark.md: the six documented chat paths ({@code /v1.1/chat} lite … {@code /v4.0/chat} 4.0Ultra).
 * The upgrade URL is checked as iFlytek's gateway does ({@link SparkAuth}: HMAC-SHA256 signature recomputed from
 * {@code host}, {@code date} and the request line, date within 300 s), a refusal is answered with the gateway's
 * HTTP status and {@code {"message":…}} instead of 101. After the upgrade it reads one request frame, checks the
 * APPID and the documented ranges ({@link SparkRules}) and answers with frames of status 0, 1… and 2, usage on the
 * last, or an error frame; then it closes the socket. Faults are knobs, cleared by {@link #reset()}.
 */
public final class SparkSimulator implements AutoCloseable {
    public static final String DEFAULT_APP_ID = "5f8a9b2c";
    public static final String DEFAULT_API_KEY = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6";
    public static final String DEFAULT_API_SECRET = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3";

    /** The connections' view of the simulator. */
    record Shared(SparkAuth auth, Map<String, String> appIdsByKey, SimulatorKnobs knobs, SparkKnobs spark,
                  Consumer<RecordedRequest> record) {
        void record(RecordedRequest request) {
            record.accept(request);
        }
    }

    private final SimulatorKnobs knobs = new SimulatorKnobs();
    private final SparkKnobs spark = new SparkKnobs();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<String> refusedHandshakes = new CopyOnWriteArrayList<>();
    private final SparkAuth auth;
    private final WebServer server;

    private SparkSimulator(String appId, String apiKey, String apiSecret) {
        SecretLedger.record(apiKey);
        SecretLedger.record(apiSecret);
        this.auth = new SparkAuth(Map.of(apiKey, apiSecret), spark::clock, spark::allowedSkew);
        Shared shared = new Shared(auth, Map.of(apiKey, appId), knobs, spark, requests::add);
        WsRouting.Builder ws = WsRouting.builder();
        SparkEndpoint.ALL.forEach(e -> ws.endpoint(e.path(), () -> new SparkConnection(e, shared)));
        this.server = SimulatorServer.builder()
                .addRouting(ws)
                .routing(this::httpAnswers)
                .build().start();
    }

    /** A simulator for {@link #DEFAULT_APP_ID}, {@link #DEFAULT_API_KEY} and {@link #DEFAULT_API_SECRET}. */
    public static SparkSimulator start() {
        return start(DEFAULT_APP_ID, DEFAULT_API_KEY, DEFAULT_API_SECRET);
    }

    public static SparkSimulator start(String appId, String apiKey, String apiSecret) {
        return new SparkSimulator(appId, apiKey, apiSecret);
    }

    /** {@code ws://127.0.0.1:<port>}; the plugin appends the model's path ({@code /v3.5/chat} …). */
    public URI baseUri() {
        return URI.create("ws://127.0.0.1:" + server.port());
    }

    /** What a channel's credential holds: {@code APPID|APISecret|APIKey}. */
    public String credential() {
        return DEFAULT_APP_ID + "|" + DEFAULT_API_SECRET + "|" + DEFAULT_API_KEY;
    }

    // ---- knobs -------------------------------------------------------------------------------------------------

    /** The next {@code count} request frames (after a good handshake) are answered with this error frame. */
    public void failNext(int count, int code, String message) {
        knobs.failNext(count, new ScriptedError(0, null, String.valueOf(code), message, null));
    }

    /** 11202: the per-second flow control of the APPID. */
    public void failNextRateLimited(int count) {
        failNext(count, 11202, "授权错误：秒级流控超限。秒级并发超过授权路数限制");
    }

    /** 11201: the APPID's daily volume is used up. */
    public void failNextQuotaExceeded(int count) {
        failNext(count, 11201, "授权错误：日流控超限。超过当日最大访问量的限制");
    }

    /**
     * 11200 naming {@code tokens.total}: the APPID's token allowance is used up (or was never claimed), the frame
     * Spark sends in place of an answer when there is no balance left.
     */
    public void failNextTokensExhausted(int count) {
        failNext(count, 11200, "AppIdNoAuthError:(12:17:04.432) tokens.total");
    }

    /** 10013: the input failed the content audit. */
    public void failNextContentFilter(int count) {
        failNext(count, 10013, "输入内容审核不通过，涉嫌违规，请重新调整输入内容");
    }

    /** After {@code frames} content frames, streams send an error frame with this code and message, then close. */
    public void errorFrameAfter(int frames, int code, String message) {
        spark.midStreamError(code, message);
        knobs.errorEventAfter(frames);
    }

    /** After {@code frames} content frames, streams are cut without a close frame and without status 2. */
    public void dropStreamAfter(int frames) {
        knobs.dropAfterEvents(frames);
    }

    /** Every answer waits this long before its first frame (released early by {@link #reset()}). */
    public void hangBeforeFirstFrame(Duration delay) {
        knobs.hangBeforeHeaders(delay);
    }

    /** Every frame waits this long before it is sent. */
    public void frameDelay(Duration delay) {
        knobs.eventDelay(delay);
    }

    /** A fixed reply text instead of the echo; null restores the echo. */
    public void replyWith(String text) {
        knobs.replyText(text);
    }

    public void wordsPerFrame(int words) {
        knobs.wordsPerChunk(words);
    }

    /** The simulator's clock, which the signed date is checked against. */
    public void clock(Clock clock) {
        spark.clock(clock);
    }

    /** Applies a vendor-neutral fault the way Spark shows it: error frames with its codes. */
    public void inject(UpstreamFault fault) {
        switch (fault) {
            case UpstreamFault.RateLimited f -> failNextRateLimited(1);
            case UpstreamFault.QuotaExhausted f -> failNextQuotaExceeded(1);
            case UpstreamFault.BadRequest f -> failNext(1, 10163, "InvalidParameter: 请求引擎的参数异常 " + f.message());
            case UpstreamFault.ContextTooLong f -> failNext(1, 10907, "token数量超过上限。对话历史+问题的字数太多，需要精简输入");
            case UpstreamFault.ServerError f -> {
                if (f.status() == 503) {
                    failNext(1, 10110, "服务忙，请稍后再试");
                } else {
                    failNext(1, 10012, SparkKnobs.DEFAULT_MID_STREAM_MESSAGE);
                }
            }
            case UpstreamFault.HangBeforeHeaders f -> hangBeforeFirstFrame(f.delay());
            case UpstreamFault.SlowStream f -> frameDelay(f.delayPerEvent());
            case UpstreamFault.DropStreamAfter f -> dropStreamAfter(f.events());
            case UpstreamFault.ErrorEventAfter f -> errorFrameAfter(f.events(), SparkKnobs.DEFAULT_MID_STREAM_CODE,
                    SparkKnobs.DEFAULT_MID_STREAM_MESSAGE);
        }
    }

    /** Clears every knob and scripted error and releases hanging answers; recordings and counters stay. */
    public void reset() {
        knobs.reset();
        spark.reset();
    }

    // ---- observations ------------------------------------------------------------------------------------------

    /** Every request frame received after a good handshake, with the upgrade's path, query and headers. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public RecordedRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new IllegalStateException("the simulator has received no request frame");
        }
        return requests.getLast();
    }

    /** Refused upgrades as {@code "<status> <message>"}, in order. */
    public List<String> refusedHandshakes() {
        return List.copyOf(refusedHandshakes);
    }

    public int cancelledStreams() {
        return knobs.cancelledStreams();
    }

    public boolean awaitCancelledStreams(int count, Duration within) {
        return knobs.awaitCancelledStreams(count, within);
    }

    @Override
    public void close() {
        reset();
        server.stop();
    }

    /**
     * The HTTP side of the listener. Helidon routes a WebSocket upgrade through the HTTP filters first, so the
     * signature is checked there: a refused upgrade gets the gateway's status and {@code {"message":…}} instead of
     * 101. A path Spark does not route is 404; a signed request that is no upgrade is 426.
     */
    private void httpAnswers(HttpRouting.Builder routing) {
        routing.addFilter(this::checkSignature).any((req, res) -> reply(res,
                SparkEndpoint.at(req.path().rawPath()).isPresent() ? 426 : 404,
                SparkEndpoint.at(req.path().rawPath()).isPresent() ? "WebSocket upgrade required"
                        : "no Route matched with those values"));
    }

    private void checkSignature(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().rawPath();
        if (SparkEndpoint.at(path).isPresent()) {
            Optional<SparkAuth.Refusal> refusal = auth.check(path, req.query().rawValue(),
                    req.headers().first(HeaderNames.HOST).orElse(""));
            if (refusal.isPresent()) {
                refusedHandshakes.add(refusal.get().status() + " " + refusal.get().message());
                reply(res, refusal.get().status(), refusal.get().message());
                return;
            }
        }
        chain.proceed();
    }

    private static void reply(ServerResponse res, int status, String message) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.send(SparkWire.JSON.createObjectNode().put("message", message).toString());
    }
}
