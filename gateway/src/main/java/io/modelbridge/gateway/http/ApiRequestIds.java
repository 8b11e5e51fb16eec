package io.modelbridge.gateway.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Gives every OpenAI API answer its request ids (models, 404, 405, preflights too). They are drawn once per request:
 * the pipeline's {@link Exchange} takes the same ids from the request's context for its usage row.
 */
final class ApiRequestIds implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (ApiPaths.isApi(req)) {
            RequestIds.Ids ids = RequestIds.of(req);
            res.header(RequestIds.HEADER, ids.shown());
            res.header(RequestIds.OWN_HEADER, ids.own());
        }
        chain.proceed();
    }
}
