package io.modelbridge.gateway.metrics;

import io.modelbridge.spi.ProviderFailure;
import java.util.List;

/**
 * The gateway's own series. Request outcomes are recorded once per request (when its usage row is); gauges
 * (breakers, plugins, usage backlog, database) are read at scrape time, see {@code Gateway}.
 */
public final class GatewayMetrics extends MetricRegistry {
    private static final double[] LATENCY = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
    private static final List<String> ROUTE = List.of("alias", "channel", "status");
    private final Counter requests = counter("modelbridge_requests_total",
            "API requests by the model (alias) asked for, the channel that served it and the status sent", "alias",
            "channel", "status");
    private final Histogram latency = histogram("modelbridge_request_duration_seconds",
            "Time from request to last byte", ROUTE, LATENCY);
    private final Histogram ttft = histogram("modelbridge_time_to_first_token_seconds",
            "Streams: time from request to the first chunk sent", List.of("alias", "channel"), LATENCY);
    private final Counter promptTokens = counter("modelbridge_prompt_tokens_total",
            "Prompt tokens billed, by model (alias) asked for", "model");
    private final Counter completionTokens = counter("modelbridge_completion_tokens_total",
            "Completion tokens billed, by model (alias) asked for", "model");
    private final Counter upstreamErrors = counter("modelbridge_upstream_errors_total",
            "Failed upstream attempts by channel and failure class", "channel", "kind");
    private final Counter rateLimited = counter("modelbridge_rate_limit_rejections_total",
            "Requests refused by the gateway's own rate limits");
    private final Counter rateLimitStoreFailures = counter("modelbridge_rate_limit_store_failures_total",
            "Requests whose distributed rate limits could not be checked (store unreachable), by what was done",
            "outcome");
    private final Counter quotaRejected = counter("modelbridge_quota_rejections_total",
            "Requests refused because the user's quota could not cover them");

    public GatewayMetrics() {
        rateLimitStoreFailures.init("refused");
        rateLimitStoreFailures.init("admitted");
    }

    /** One finished API request; channel is empty when no channel was tried. */
    public void request(String alias, String channel, int status, double seconds, Integer ttftMillis,
                        int billedPrompt, int billedCompletion) {
        String a = alias == null ? "" : alias;
        String c = channel == null ? "" : channel;
        String s = Integer.toString(status);
        requests.inc(a, c, s);
        latency.observe(seconds, a, c, s);
        if (ttftMillis != null) {
            ttft.observe(ttftMillis / 1000.0, a, c);
        }
        promptTokens.add(billedPrompt, a);
        completionTokens.add(billedCompletion, a);
    }

    public void upstreamError(String channel, ProviderFailure.Kind kind) {
        upstreamErrors.inc(channel, kind.name());
    }

    /** An attempt whose plugin threw something other than a classified failure. */
    public void pluginError(String channel) {
        upstreamErrors.inc(channel, "PLUGIN_ERROR");
    }

    public void rateLimited() {
        rateLimited.inc();
    }

    /** {@code outcome} is "refused" or "admitted" (MB_RATE_LIMITS_ON_STORE_FAILURE). */
    public void rateLimitStoreFailure(String outcome) {
        rateLimitStoreFailures.inc(outcome);
    }

    public void quotaRejected() {
        quotaRejected.inc();
    }
}
