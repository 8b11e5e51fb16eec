package io.modelbridge.gateway.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Gives every OpenAI API answer its request ids (models, 404, 405, preflights too). The chat and embeddings handlers
 * replace them with the ids of their usage rows.
 */
final class ApiRequestIds implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (ApiPaths.isApi(req)) {
            String own = RequestIds.fresh();
            String client = RequestIds.client(req.headers().first(RequestIds.HEADER));
            res.header(RequestIds.HEADER, client != null ? client : own);
            res.header(RequestIds.OWN_HEADER, own);
        }
        chain.proceed();
    }
}
