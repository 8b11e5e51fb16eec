package io.modelbridge.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;

/**
 * Which channel, upstream model and plugin served a call is the operator's business: unless MB_EXPOSE_ROUTING is on,
 * the x-modelbridge-* routing headers are taken off every answer just before it is sent. The usage row and the log
 * keep them.
 */
final class RoutingDisclosure implements Filter {
    static final List<String> HEADERS = List.of("x-modelbridge-channel", "x-modelbridge-upstream-model",
            "x-modelbridge-plugin");
    private final boolean expose;

    RoutingDisclosure(boolean expose) {
        this.expose = expose;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!expose) {
            res.beforeSend(() -> HEADERS.forEach(h -> res.headers().remove(HeaderNames.create(h))));
        }
        chain.proceed();
    }
}
