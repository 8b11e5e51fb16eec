package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.spi.ProviderFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The error a caller of the API gets when no target could serve it: the status and code of
 * {@link UpstreamErrors#toClient}, but a message that names no channel and no upstream URL (the log line and the
 * usage row keep those). The channel goes in the x-modelbridge-channel header, which the public listener sends only
 * when MB_EXPOSE_ROUTING is on. What the vendor said about the request itself (a bad parameter, a refused prompt, a
 * rate limit) is relayed: it is about the caller's request.
 */
public final class CallerErrors {
    static final String CHANNEL_HEADER = "x-modelbridge-channel";
    private static final Pattern URL = Pattern.compile("\\s*\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s'\"<>()]+");
    private static final Pattern EXCEPTION = Pattern.compile("\\s*\\([A-Za-z0-9_$.]*(Exception|Error)\\)");

    private CallerErrors() {}

    public static GatewayException of(ProviderFailure f, String channel) {
        GatewayException detailed = UpstreamErrors.toClient(f, channel);
        ApiError e = detailed.error();
        String message = switch (f.kind()) {
            case BAD_REQUEST, CONTEXT_TOO_LONG, CONTENT_FILTER, RATE_LIMIT -> e.message();
            case AUTH -> "The upstream provider refused the gateway's credential for this model. The operator must fix "
                    + "the channel.";
            case QUOTA -> "The upstream account serving this model has no balance or quota left.";
            case MODEL_NOT_FOUND, UNAVAILABLE, TIMEOUT, PROTOCOL -> withoutInternals(f.message());
        };
        return new GatewayException(new ApiError(e.status(), e.type(), e.code(), e.param(), message),
                withChannel(detailed.headers(), channel));
    }

    /** A gateway-made failure of one channel (plugin broken or missing), told without naming the channel. */
    static GatewayException of(ApiError error, String channel) {
        return new GatewayException(error, withChannel(Map.of(), channel));
    }

    /**
     * The failure's own words without addresses (the transport names the upstream's scheme, host and port) and
     * without Java exception names: {@code upstream http://10.0.0.5:8000 is unreachable (ConnectException)} becomes
     * {@code upstream is unreachable}.
     */
    static String withoutInternals(String message) {
        String clean = URL.matcher(message).replaceAll("");
        clean = EXCEPTION.matcher(clean).replaceAll("").strip();
        return clean.isEmpty() ? "The upstream provider failed." : clean;
    }

    private static Map<String, String> withChannel(Map<String, String> headers, String channel) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(CHANNEL_HEADER, channel);
        return all;
    }
}
