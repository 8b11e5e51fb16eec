package io.modelbridge.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * Whether a connection may carry another request after this one. Helidon 4.5 keeps reading a connection after it
 * answered {@code Connection: close}, and when a handler refused a body without reading it (401 before the body,
 * 413, a GET with a body) the unread bytes would be parsed as the next request. So a request that asks to close, or
 * whose body was not read to its end, is answered with {@code Connection: close}, and any answer carrying that header
 * closes the connection once it is out. An unread body is never parsed: its bytes are read and dropped for a bounded
 * time by {@link LingeringClose}, so that the client gets the answer rather than a reset, then the connection closes.
 */
public final class ConnectionReuse implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.beforeSend(() -> {
            if (!reusable(req)) {
                res.header(HeaderValues.CONNECTION_CLOSE);
            }
        });
        chain.proceed();
        if (res.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            // Bubbles up through Helidon's error handling to the connection loop, which closes the socket quietly.
            throw hasBody(req.headers()) && !req.content().consumed()
                    ? new LingeringClose.UnreadBody() : new CloseConnectionException("Connection: close");
        }
    }

    /** True when the next bytes on the connection can only be the next request. */
    static boolean reusable(ServerRequest req) {
        ServerRequestHeaders headers = req.headers();
        if (headers.containsToken(HeaderValues.CONNECTION_CLOSE)) {
            return false;
        }
        return !hasBody(headers) || req.content().consumed();
    }

    private static boolean hasBody(ServerRequestHeaders headers) {
        return headers.contains(HeaderNames.TRANSFER_ENCODING)
                || headers.contains(HeaderNames.CONTENT_LENGTH) && !headers.contains(HeaderValues.CONTENT_LENGTH_ZERO);
    }
}
