package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.ErrorShape;
import java.util.Optional;

/**
 * A client dialect at the edge, for one kind of call: where the caller's key is, the dialect's request decoded into a
 * canonical call ({@link ChatCall}, {@link EmbeddingsCall}) that also knows how to encode the answer, and the shape of
 * the dialect's errors. Everything between, in {@link RequestPipeline} (auth, admission, routing, failover, relay,
 * settlement), sees only canonical types: adding a dialect is a codec and a route.
 *
 * @param <C> the decoded call
 */
interface ClientCodec<C> {

    /** The caller's key, in the form of an Authorization header ({@code Bearer <key>}); empty when none was sent. */
    default Optional<String> credential(ServerRequest req) {
        return req.headers().first(HeaderNames.AUTHORIZATION);
    }

    /** The request body (JSON) as a canonical call; a bad request is a {@link io.modelbridge.gateway.error.GatewayException}. */
    C decode(JsonNode body);

    /**
     * The request decoded for this caller: a dialect whose request refers to the caller's own data (the Responses
     * API's previous_response_id) needs to know whose it is. Others decode the body alone.
     */
    default C decode(JsonNode body, Caller caller) {
        return decode(body);
    }

    /** How this dialect shows an error, before a stream begins (a stream's error event is its {@link StreamEncoder}'s). */
    ErrorShape errors();
}
