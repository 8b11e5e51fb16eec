package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.ErrorShape;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.responses.ResponseStore;
import io.modelbridge.gateway.routing.RouteTable;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code POST /v1/responses}: the request decoded for both kinds of channel ({@link ResponsesCall}). A request the
 * translation refuses with a 400 (a built-in tool, a field chat has no place for) is still served by a channel that
 * serves the Responses API natively; a translated channel answers that 400. When the model has no native channel,
 * the 400 is the answer at once, before admission (no rate-limit slot, no reservation), as for any bad request.
 * Other refusals (a previous_response_id or an item_reference not found: 404) are final. Item references are resolved
 * first, for both kinds ({@link ItemReferences}).
 */
final class ResponsesCodec implements ClientCodec<ResponsesCall> {
    private final OpenAiResponsesCodec translation;
    private final ObjectMapper json;
    private final ResponseStore store;
    private final Clock clock;
    private final Supplier<RouteTable> routes;

    ResponsesCodec(OpenAiResponsesCodec translation, ObjectMapper json, ResponseStore store, Clock clock,
                   Supplier<RouteTable> routes) {
        this.routes = routes;
        this.translation = translation;
        this.json = json;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public ResponsesCall decode(JsonNode body) {
        return decode(body, null);
    }

    @Override
    public ResponsesCall decode(JsonNode client, Caller caller) {
        JsonNode body = ItemReferences.resolved(client, store, caller, json);
        ChatCall translated = null;
        GatewayException untranslatable = null;
        try {
            translated = translation.decode(body, caller);
        } catch (GatewayException e) {
            if (e.error().status() != 400 || !servedNatively(body.path("model").asText())) {
                throw e;
            }
            untranslatable = e;
        }
        NativeResponsesRequest nativeRequest;
        try {
            nativeRequest = NativeResponsesRequest.of(body, json, store, clock, caller);
        } catch (GatewayException e) {
            throw untranslatable != null ? untranslatable : e; // the translation's message says more
        }
        return new ResponsesCall(translated, untranslatable, nativeRequest);
    }

    /** Whether a channel marked native serves the model (the request may be routed to it). */
    private boolean servedNatively(String model) {
        return routes.get().plan(model).orElse(List.of()).stream().anyMatch(t -> t.channel().responsesNative());
    }

    @Override
    public String dialect() {
        return translation.dialect();
    }

    @Override
    public ErrorShape errors() {
        return translation.errors();
    }
}
