package io.modelbridge.gateway.http;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.metrics.GatewayMetrics;
import io.modelbridge.gateway.pipeline.ServingTarget;
import io.modelbridge.gateway.routing.RouteTable;
import io.modelbridge.gateway.routing.Target;
import io.modelbridge.spi.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * One request as it goes through the pipeline: who called, which model and target, what was delivered and how it
 * ended. Owned by {@link RequestPipeline}, which settles it once (usage row, quota, limits, metrics) through
 * {@link #settle}; the stages write into it and call that just before their answer's last bytes, nothing reads back
 * from them.
 */
final class Exchange {
    /** The gateway's own id, unique to this request. */
    final String requestId;
    /** The client's x-request-id, kept for correlation; null when it sent none. */
    final String clientRequestId;
    final Instant at;
    final long startNanos = System.nanoTime();
    /** The client API the request came in through ({@link ClientCodec#dialect()}). */
    String dialect;
    Caller caller;
    /** Which fields of the answer the caller's key gets. */
    ResponseProfile profile = ResponseProfile.FULL;
    String model;
    /** The model is one the route table serves: a bounded set, so it may label metrics before routing. */
    boolean modelServed;
    Target target;
    boolean stream;
    int promptTokens;
    int completionTokens;
    /** The parts the upstream reported (cache hits of the prompt, reasoning in the completion); null when it did not. */
    Integer cachedPromptTokens;
    Integer reasoningTokens;
    boolean estimated;
    Integer ttftMillis;
    /** Set by {@link #failed}; otherwise the client got 200 if something was delivered, else see {@link #status()}. */
    private Integer status;
    private String errorCode;
    /** Something reached the client (a JSON answer, or a stream that began): only then is anything billed. */
    boolean delivered;
    /** How the request is settled ({@link RequestPipeline}); null once it ran. */
    private Runnable settlement;

    Exchange(String requestId, String clientRequestId, Instant at) {
        this.requestId = requestId;
        this.clientRequestId = clientRequestId;
        this.at = at;
    }

    /** A new request: its id of its own, beside the one the client sent (if a sane one); drawn once per request. */
    static Exchange start(ServerRequest req, Instant at) {
        RequestIds.Ids ids = RequestIds.of(req);
        return new Exchange(ids.own(), ids.client(), at);
    }

    /** How log lines name the request: our id, and the client's beside it (a sane token, safe in a log line). */
    String logName() {
        return clientRequestId == null ? requestId : requestId + " (client id " + clientRequestId + ")";
    }

    /** What {@link #settle} runs: set by the pipeline, which knows the request's admission. */
    void settleWith(Runnable settlement) {
        this.settlement = settlement;
    }

    /**
     * Settles the request (its usage row and cost, the rest of its quota reservation and token estimate given back,
     * its metrics), once. Every answer does it just before its last bytes go out: a client may send its next request,
     * on any connection, the moment it has the answer, and that request must find this one settled.
     */
    void settle() {
        Runnable once = settlement;
        settlement = null;
        if (once != null) {
            once.run();
        }
    }

    /** A whole answer is about to go out: it is billed, and the request is settled before the client can have it. */
    void answering() {
        delivered = true;
        settle();
    }

    /** Echoes the client's id (or gives ours) in x-request-id, and always ours in x-modelbridge-request-id. */
    void identify(ServerResponse res) {
        res.header(RequestIds.HEADER, clientRequestId != null ? clientRequestId : requestId);
        res.header(RequestIds.OWN_HEADER, requestId);
    }

    /** The target tried last (the one that served, when one did). */
    void servedBy(Optional<ServingTarget> serving) {
        serving.ifPresent(s -> target = s.target());
    }

    /** Records the model the body names ({@link ClientModel}), before the body is validated. */
    void named(String clientModel, RouteTable routes) {
        model = clientModel;
        modelServed = clientModel != null && routes.serves(clientModel);
    }

    void failed(int status, String errorCode) {
        this.status = status;
        this.errorCode = errorCode;
    }

    /**
     * The status the client got. A request that delivered nothing and recorded no failure ended in something no
     * handler caught (an {@link Error}), which the web server answers 500.
     */
    int status() {
        return status != null ? status : delivered ? 200 : 500;
    }

    String errorCode() {
        return status != null ? errorCode : delivered ? null : "internal_error";
    }

    /** What a client sent, fit for a text column: PostgreSQL refuses NUL characters, and a row needs no novel. */
    private static String storable(String clientText) {
        if (clientText == null) {
            return null;
        }
        String clean = clientText.replace("\u0000", "");
        return clean.length() > 256 ? clean.substring(0, 256) : clean;
    }

    int billedPromptTokens() {
        return delivered ? promptTokens : 0;
    }

    int billedCompletionTokens() {
        return delivered ? completionTokens : 0;
    }

    /** Takes the counts of the upstream's usage. */
    void tokens(Usage usage) {
        promptTokens = usage.promptTokens();
        completionTokens = usage.completionTokens();
        cachedPromptTokens = usage.cachedPromptTokens();
        reasoningTokens = usage.reasoningTokens();
    }

    /** The usage the client is shown: the counts billed, with the parts the upstream reported. */
    Usage usage() {
        return Usage.of(promptTokens, completionTokens, cachedPromptTokens, reasoningTokens);
    }

    /**
     * The request's series. The alias label is set only for a model that resolved to a route or that the route
     * table serves, so clients cannot mint series with made-up model names.
     */
    void report(GatewayMetrics metrics) {
        String alias = target == null && !modelServed ? null : storable(model);
        metrics.request(alias, target == null ? null : target.channel().name(), status(),
                (System.nanoTime() - startNanos) / 1e9, ttftMillis, billedPromptTokens(), billedCompletionTokens());
    }

    /**
     * The row records what was billed: a request that delivered nothing shows no tokens. Its cost is zero here;
     * {@link io.modelbridge.gateway.pipeline.Admission.Ticket#settle} prices it.
     */
    UsageRow toUsage() {
        int latency = (int) ((System.nanoTime() - startNanos) / 1_000_000);
        return new UsageRow(requestId, at, caller == null ? null : caller.userId(),
                caller == null ? null : caller.keyId(), storable(model),
                target == null ? null : target.channel().name(), target == null ? null : target.channel().provider(),
                target == null ? null : target.upstreamModel(), stream, billedPromptTokens(), billedCompletionTokens(),
                delivered ? cachedPromptTokens : null, delivered ? reasoningTokens : null, estimated, BigDecimal.ZERO,
                latency, ttftMillis, status(), errorCode(), clientRequestId, null, dialect);
    }
}
