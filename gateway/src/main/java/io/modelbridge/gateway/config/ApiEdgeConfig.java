package io.modelbridge.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the OpenAI API routes answer browsers, and what they tell callers about routing.
 *
 * @param corsOrigins   MB_CORS_ORIGINS: the origins whose pages may call the API ({@code *}: any, the default, safe
 *                      for an API authenticated by bearer keys and no cookies; {@code none}: CORS off), as
 *                      {@code scheme://host[:port]}
 * @param exposeRouting MB_EXPOSE_ROUTING: whether answers carry x-modelbridge-channel, -upstream-model and -plugin
 *                      (default off: which channel, upstream model and plugin served a call is the operator's business)
 * @param streamPing    MB_STREAM_PING_SECONDS: the silence after which a stream whose dialect has a keep-alive event
 *                      (Anthropic's ping) gets one (default 10 s; 0: never)
 */
public record ApiEdgeConfig(List<String> corsOrigins, boolean exposeRouting, Duration streamPing) {
    public static final String ANY_ORIGIN = "*";
    /** Well inside the 60 s idle timeouts of common proxies and load balancers (nginx, AWS ALB), at ~40 bytes a ping. */
    public static final Duration DEFAULT_STREAM_PING = Duration.ofSeconds(10);

    public ApiEdgeConfig {
        corsOrigins = List.copyOf(corsOrigins);
    }

    public ApiEdgeConfig(List<String> corsOrigins, boolean exposeRouting) {
        this(corsOrigins, exposeRouting, DEFAULT_STREAM_PING);
    }

    public static ApiEdgeConfig defaults() {
        return new ApiEdgeConfig(List.of(ANY_ORIGIN), false);
    }

    public ApiEdgeConfig withCorsOrigins(List<String> origins) {
        return new ApiEdgeConfig(origins, exposeRouting, streamPing);
    }

    public ApiEdgeConfig withExposeRouting(boolean expose) {
        return new ApiEdgeConfig(corsOrigins, expose, streamPing);
    }

    /** {@link Duration#ZERO}: no pings. */
    public ApiEdgeConfig withStreamPing(Duration every) {
        return new ApiEdgeConfig(corsOrigins, exposeRouting, every);
    }

    /** True when a page of {@code origin} may read the API's answers. */
    public boolean allowsOrigin(String origin) {
        return corsOrigins.contains(ANY_ORIGIN) || corsOrigins.contains(origin.toLowerCase(Locale.ROOT));
    }

    static ApiEdgeConfig fromEnvironment(GatewayConfig.Env env) {
        int pingSeconds = env.integer("MB_STREAM_PING_SECONDS", (int) DEFAULT_STREAM_PING.toSeconds());
        if (pingSeconds < 0) {
            throw new IllegalArgumentException("MB_STREAM_PING_SECONDS must be 0 (no pings) or more, got " + pingSeconds);
        }
        return new ApiEdgeConfig(origins(env.text("MB_CORS_ORIGINS", ANY_ORIGIN)),
                flag("MB_EXPOSE_ROUTING", env.text("MB_EXPOSE_ROUTING", "false")), Duration.ofSeconds(pingSeconds));
    }

    static List<String> origins(String value) {
        if (value.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<String> origins = Arrays.stream(value.split(",")).map(String::strip).filter(o -> !o.isEmpty())
                .map(o -> o.toLowerCase(Locale.ROOT)).toList();
        for (String origin : origins) {
            if (!origin.equals(ANY_ORIGIN) && !isOrigin(origin)) {
                throw new IllegalArgumentException("MB_CORS_ORIGINS must be *, none or a comma list of origins such as"
                        + " https://chat.example.com (scheme, host and port only), got '" + origin + "'");
            }
        }
        return origins;
    }

    private static boolean isOrigin(String text) {
        try {
            URI uri = new URI(text);
            return (uri.getScheme().equals("http") || uri.getScheme().equals("https")) && uri.getHost() != null
                    && uri.getRawPath().isEmpty() && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && uri.getRawUserInfo() == null;
        } catch (java.net.URISyntaxException | NullPointerException e) {
            return false;
        }
    }

    private static boolean flag(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
        };
    }
}
