package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.ErrorShape;
import java.util.Optional;
import java.util.function.Consumer;

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
     * The raw request body as a canonical call for this caller, telling {@code named} the model it names first (when
     * it is JSON: a refused request still records the model). By default the body is read as a tree for
     * {@link #decode(JsonNode, Caller)}; a dialect on the hot path reads the bytes itself.
     */
    default C decode(byte[] body, ObjectMapper json, Caller caller, Consumer<String> named) {
        JsonNode tree = RequestBodies.parse(body, json);
        named.accept(ClientModel.of(tree));
        return decode(tree, caller);
    }

    /**
     * The request decoded for this caller: a dialect whose request refers to the caller's own data (the Responses
     * API's previous_response_id) needs to know whose it is. Others decode the body alone.
     */
    default C decode(JsonNode body, Caller caller) {
        return decode(body);
    }

    /** How this dialect shows an error, before a stream begins (a stream's error event is its {@link StreamEncoder}'s). */
    ErrorShape errors();

    /**
     * The client API, as usage rows record it ({@code usage_log.dialect}): a constant, so a row costs nothing more.
     * Chat completions is the default; every other dialect names itself.
     */
    default String dialect() {
        return "openai-chat";
    }
}
