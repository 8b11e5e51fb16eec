package io.modelbridge.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import java.util.Map;

/**
 * HEAD where clients and probes send it, and 405 with an Allow header (in OpenAI's error shape) for a known API path
 * called with a method it does not take, instead of 404 unknown_url. Registered after the real routes.
 */
final class MethodRoutes {
    private MethodRoutes() {}

    static void register(HttpRules rules, ModelsHandler models) {
        rules.head("/v1/models", models::headList)
                .head("/v1/models/{id}", models::headOne)
                // The portal's home page: uptime checkers and load balancers probe it with HEAD.
                .head("/", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
                    res.send();
                })
                .any("/v1/chat/completions", notAllowed("POST"))
                .any("/v1/embeddings", notAllowed("POST"))
                .any("/v1/models", notAllowed("GET, HEAD"))
                .any("/v1/models/{id}", notAllowed("GET, HEAD"))
                .any("/v1/responses/{id}", notAllowed("GET, DELETE"))
                .any("/v1/responses/{id}/input_items", notAllowed("GET"));
    }

    private static Handler notAllowed(String allow) {
        return (req, res) -> {
            throw new GatewayException(new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                    "Invalid method for URL (" + req.prologue().method().text() + " " + req.path().path()
                            + "): it takes " + allow + "."), Map.of("Allow", allow));
        };
    }
}
