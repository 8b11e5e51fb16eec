package io.modelbridge.gateway.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.modelbridge.gateway.config.ApiEdgeConfig;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * CORS on the OpenAI API routes only, so browser chat apps can call the API from their own origin. The portal (cookie
 * sessions) and the admin listener never answer cross-origin. The API authenticates by bearer key, never by cookie,
 * so {@code *} is a safe default and credentials are never allowed. A preflight from an allowed origin is answered
 * here with 204; any other OPTIONS goes on to the routes, which answer it 405.
 */
final class ApiCors implements Filter {
    /** Chromium caps a preflight's cache at two hours. */
    static final String MAX_AGE_SECONDS = "7200";
    static final String ALLOW_METHODS = "GET, HEAD, POST, DELETE, OPTIONS"; // DELETE: stored responses
    /** What the OpenAI SDKs and browser chat apps send, besides the x-stainless-*, openai-* and anthropic-* families. */
    static final List<String> ALLOW_HEADERS = List.of("authorization", "content-type", "x-api-key", "api-key",
            "x-request-id", "openai-organization", "openai-project", "openai-beta");
    private static final List<String> ALLOWED_PREFIXES = List.of("x-stainless-", "openai-", "anthropic-");
    static final List<String> EXPOSE_HEADERS = List.of("x-request-id", "x-modelbridge-request-id",
            "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
            "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", "retry-after",
            "x-should-retry");
    private static final HeaderName REQUEST_METHOD = HeaderNames.ACCESS_CONTROL_REQUEST_METHOD;
    private static final HeaderName REQUEST_HEADERS = HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS;
    private final ApiEdgeConfig edge;
    private final String exposed;

    ApiCors(ApiEdgeConfig edge) {
        this.edge = edge;
        this.exposed = String.join(", ", edge.exposeRouting()
                ? concat(EXPOSE_HEADERS, TargetHeaders.NAMES) : EXPOSE_HEADERS);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty() || !ApiPaths.isApi(req) || !edge.allowsOrigin(origin.get())) {
            chain.proceed();
            return;
        }
        boolean any = edge.corsOrigins().contains(ApiEdgeConfig.ANY_ORIGIN);
        // the allowed origin as configured (checked at start), not the request's bytes
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, any ? "*" : origin.get().toLowerCase(Locale.ROOT));
        if (!any) {
            res.header(HeaderNames.VARY, "Origin");
        }
        if (req.prologue().method().equals(Method.OPTIONS) && req.headers().contains(REQUEST_METHOD)) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS);
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, allowHeaders(req.headers().first(REQUEST_HEADERS)));
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, exposed);
        chain.proceed();
    }

    /** The fixed list, plus the requested headers of the families SDKs add to (x-stainless-*, openai-*, anthropic-*). */
    static String allowHeaders(Optional<String> requested) {
        Set<String> allowed = new LinkedHashSet<>(ALLOW_HEADERS);
        requested.ifPresent(list -> Arrays.stream(list.split(",")).map(h -> h.strip().toLowerCase(Locale.ROOT))
                .filter(h -> h.matches("[a-z0-9-]{1,64}") && ALLOWED_PREFIXES.stream().anyMatch(h::startsWith))
                .limit(64)
                .forEach(allowed::add));
        return String.join(", ", allowed);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
