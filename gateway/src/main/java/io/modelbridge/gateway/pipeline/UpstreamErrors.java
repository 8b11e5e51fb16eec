package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.spi.ProviderFailure;
import java.util.Map;

/**
 * What the client sees when no target could serve it. A vendor refusing the channel's own credential or balance
 * is the operator's problem, never a 401/429 for a caller whose key is fine.
 */
public final class UpstreamErrors {
    private UpstreamErrors() {}

    public static GatewayException toClient(ProviderFailure f, String channel) {
        String where = "channel '" + channel + "': ";
        ApiError error = switch (f.kind()) {
            case BAD_REQUEST -> new ApiError(400, "invalid_request_error", f.vendorCode(), f.param(), f.message());
            case CONTEXT_TOO_LONG -> new ApiError(400, "invalid_request_error", "context_length_exceeded", "messages", f.message());
            case CONTENT_FILTER -> new ApiError(400, "invalid_request_error", "content_filter", null, f.message());
            case RATE_LIMIT -> new ApiError(429, "requests", "rate_limit_exceeded", null,
                    "The upstream provider is rate limiting this model; retry after a short wait.");
            case AUTH -> ApiError.serverError(502, "upstream_auth_failed",
                    where + "the upstream provider refused the gateway's credential. The operator must fix the channel.");
            case QUOTA -> ApiError.serverError(503, "upstream_quota_exhausted",
                    where + "the upstream account has no balance or quota left.");
            case MODEL_NOT_FOUND -> ApiError.serverError(502, "upstream_model_not_found", where + f.message());
            case UNAVAILABLE -> ApiError.serverError(f.upstreamStatus() == 503 ? 503 : 502, "upstream_unavailable",
                    where + f.message());
            case TIMEOUT -> ApiError.serverError(504, "upstream_timeout", where + f.message());
            case PROTOCOL -> ApiError.serverError(502, "upstream_bad_response", where + f.message());
        };
        Map<String, String> headers = f.kind() == ProviderFailure.Kind.RATE_LIMIT
                ? Map.of("Retry-After", String.valueOf(f.retryAfter() == null ? 1 : Math.max(1, f.retryAfter().toSeconds())))
                : Map.of();
        return new GatewayException(error, headers);
    }
}
