package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.responses.ResponseStore;
import io.modelbridge.gateway.responses.StoredResponse;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Responses API request as a channel that serves the Responses API natively gets it: the client's body with the
 * least rewrite. Per attempt: {@code model} becomes the channel's upstream model; {@code store} is false (the gateway
 * keeps its own store, and the upstream must not keep what the gateway cannot delete); a {@code previous_response_id}
 * is replaced by the stored conversation's items before this turn's input (the upstream kept nothing);
 * {@code max_output_tokens} is the admitted limit. Every other field (built-in tools, include, truncation, ...) goes
 * as the client sent it. The answer's {@code model}, {@code store} and {@code previous_response_id} are shown as the
 * client sent them; its id is the upstream's.
 */
final class NativeResponsesRequest {
    private static final Logger LOG = LoggerFactory.getLogger(NativeResponsesRequest.class);
    private final ObjectMapper json;
    private final ResponseStore store;
    private final Clock clock;
    private final Caller caller;
    private final ObjectNode body;
    private final String model;
    private final boolean stream;
    private final boolean keep;
    private final String previousResponseId;
    private final Integer maxOutputTokens;

    private NativeResponsesRequest(ObjectMapper json, ResponseStore store, Clock clock, Caller caller, ObjectNode body,
                                   Integer maxOutputTokens) {
        this.json = json;
        this.store = store;
        this.clock = clock;
        this.caller = caller;
        this.body = body;
        this.model = JsonFields.requiredString(body, "model", "model");
        this.stream = JsonFields.bool(body, "stream", false);
        this.keep = JsonFields.bool(body, "store", true);
        this.previousResponseId = JsonFields.string(body, "previous_response_id", "previous_response_id");
        this.maxOutputTokens = maxOutputTokens;
        JsonNode input = body.get("input");
        if (input == null || !(input.isTextual() || input.isArray())) {
            throw JsonFields.invalid("input", "a string or an array of input items");
        }
    }

    /** The client's body, checked only for what the gateway itself needs (model, input, stream, store, limits). */
    static NativeResponsesRequest of(JsonNode body, ObjectMapper json, ResponseStore store, Clock clock, Caller caller) {
        if (!(body instanceof ObjectNode object)) {
            throw new GatewayException(ApiError.invalidRequest("The request body must be a JSON object.", null));
        }
        return new NativeResponsesRequest(json, store, clock, caller, object,
                JsonFields.positiveInt(object, "max_output_tokens"));
    }

    String model() {
        return model;
    }

    boolean stream() {
        return stream;
    }

    Integer maxOutputTokens() {
        return maxOutputTokens;
    }

    /** The client's instructions and input, for the gateway's estimate of the prompt's tokens. */
    String promptText() {
        JsonNode instructions = body.path("instructions");
        return (instructions.isTextual() ? instructions.textValue() + "\n" : "") + body.get("input");
    }

    NativeResponsesRequest withMaxOutputTokens(int limit) {
        return new NativeResponsesRequest(json, store, clock, caller, body, limit);
    }

    /** The body sent upstream, for the channel's model. */
    String upstreamBody(String upstreamModel) {
        ObjectNode sent = body.deepCopy();
        sent.put("model", upstreamModel).put("store", false);
        if (maxOutputTokens != null) {
            sent.put("max_output_tokens", maxOutputTokens);
        }
        if (previousResponseId != null) {
            sent.remove("previous_response_id");
            ArrayNode input = history();
            input.addAll(inputItems());
            sent.set("input", input);
        }
        return sent.toString();
    }

    /** The upstream's response object as the client is shown it (and as it is stored). */
    ObjectNode shown(ObjectNode response) {
        response.put("model", model).put("store", keep).put("previous_response_id", previousResponseId);
        return response;
    }

    /**
     * Keeps the answer (store: true) before the client sees the end of it, under the upstream's id. A failure to
     * store is logged, not the client's error, as on the translated path.
     */
    void keep(ObjectNode response) {
        if (!keep || caller == null || !response.path("id").isTextual()) {
            return;
        }
        String id = response.get("id").textValue();
        try {
            store.save(new StoredResponse(id, caller.userId(), caller.keyId(), model, previousResponseId,
                    inputItems().toString(), response.toString(), clock.instant()));
        } catch (RuntimeException e) {
            LOG.warn("Response {} of user {} was answered but not stored: {}", id, caller.userId(), e.toString());
        }
    }

    /** This turn's input as items: a string input is one user message. */
    private ArrayNode inputItems() {
        JsonNode input = body.get("input");
        if (input.isArray()) {
            return ((ArrayNode) input).deepCopy();
        }
        ArrayNode items = json.createArrayNode();
        ObjectNode message = items.addObject().put("type", "message").put("role", "user");
        message.putArray("content").addObject().put("type", "input_text").put("text", input.textValue());
        return items;
    }

    /**
     * The stored conversation's input and output items, oldest first. Their ids are left out (the upstream, told
     * store: false, knows none of them), except a reasoning item's, which the upstream requires.
     */
    private ArrayNode history() {
        List<StoredResponse> conversation = caller == null ? List.of()
                : store.conversation(previousResponseId, caller.userId());
        if (conversation.isEmpty()) {
            throw OpenAiResponsesCodec.previousNotFound(previousResponseId);
        }
        ArrayNode items = json.createArrayNode();
        try {
            for (StoredResponse turn : conversation) {
                json.readTree(turn.inputItemsJson()).forEach(item -> items.add(withoutId(item)));
                json.readTree(turn.responseJson()).path("output").forEach(item -> items.add(withoutId(item)));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored response of user " + caller.userId() + " is not JSON", e);
        }
        return items;
    }

    private static JsonNode withoutId(JsonNode item) {
        if (item instanceof ObjectNode object && !"reasoning".equals(object.path("type").asText())) {
            ObjectNode copy = object.deepCopy();
            copy.remove("id");
            return copy;
        }
        return item;
    }
}
