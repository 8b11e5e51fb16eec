package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorShape;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.responses.ResponseStore;
import io.modelbridge.gateway.responses.StoredResponse;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Usage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI Responses dialect ({@code POST /v1/responses}), translated through the canonical chat types: its request,
 * its {@code response} object and typed event stream; errors in OpenAI's shape, as for chat completions. With
 * {@code store} (OpenAI's default) the answer and this turn's input are kept for the caller's user;
 * {@code previous_response_id} replays that user's stored conversation before the new input.
 */
final class OpenAiResponsesCodec implements ClientCodec<ChatCall> {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiResponsesCodec.class);
    private final ObjectMapper json;
    private final ResponsesRequestParser parser;
    private final ErrorShape errors;
    private final Clock clock;
    private final ResponseStore store;

    OpenAiResponsesCodec(ObjectMapper json, ErrorShape errors, Clock clock, ResponseStore store) {
        this.json = json;
        this.parser = new ResponsesRequestParser(json);
        this.errors = errors;
        this.clock = clock;
        this.store = store;
    }

    @Override
    public ChatCall decode(JsonNode body) {
        return decode(body, null);
    }

    @Override
    public ChatCall decode(JsonNode body, Caller caller) {
        ResponsesRequest request = parser.parse(body);
        ChatRequest chat = request.chat();
        String previous = request.previousResponseId();
        if (previous != null) {
            List<StoredResponse> conversation = caller == null ? List.of() : store.conversation(previous, caller.userId());
            if (conversation.isEmpty()) {
                throw previousNotFound(previous);
            }
            chat = withHistory(chat, request.echo().hasNonNull("instructions"), replay(conversation));
        }
        return new ChatCall(chat, new Answers(request, caller));
    }

    @Override
    public String dialect() {
        return "openai-responses";
    }

    @Override
    public ErrorShape errors() {
        return errors;
    }

    /** As OpenAI answers a previous_response_id it does not have (or another user's: the same answer). */
    static GatewayException previousNotFound(String id) {
        return new GatewayException(new ApiError(404, "invalid_request_error", "previous_response_not_found",
                "previous_response_id", "Previous response with id '" + id + "' not found."));
    }

    /** Each stored turn's input items and output items, oldest first; earlier instructions are not carried over. */
    private List<Message> replay(List<StoredResponse> conversation) {
        List<Message> history = new ArrayList<>();
        for (StoredResponse turn : conversation) {
            try {
                history.addAll(parser.replay(json.readTree(turn.inputItemsJson()), "previous_response_id"));
                history.addAll(parser.replay(json.readTree(turn.responseJson()).path("output"), "previous_response_id"));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored response " + turn.id() + " is not JSON", e);
            }
        }
        return history;
    }

    /** The request's own instructions (a first system message) stay first; the history comes before its input. */
    private static ChatRequest withHistory(ChatRequest chat, boolean instructions, List<Message> history) {
        List<Message> messages = new ArrayList<>(chat.messages());
        messages.addAll(instructions ? 1 : 0, history);
        return new ChatRequest(chat.model(), messages, chat.stream(), chat.includeUsage(), chat.sampling(),
                chat.tools(), chat.toolChoice(), chat.user(), chat.extras());
    }

    private final class Answers implements ChatCall.Answers {
        private final ResponsesRequest request;
        private final Caller caller;
        private final ResponsesEncoder encoder;

        Answers(ResponsesRequest request, Caller caller) {
            this.request = request;
            this.caller = caller;
            this.encoder = new ResponsesEncoder(json, clock.instant().getEpochSecond(), request.chat().model(),
                    request.echo());
        }

        @Override
        public byte[] completion(ChatResponse response, Usage usage) {
            ObjectNode answer = encoder.response(response, usage);
            keep(answer);
            return encoder.bytes(answer);
        }

        @Override
        public StreamEncoder stream() {
            return new ResponsesStreamEncoder(encoder, this::keep);
        }

        /**
         * Stores the answer (store: true) before the client sees it, so it can be continued at once. A failure to store
         * is logged, not the client's error: it has its answer, and continuing it will answer 404.
         */
        private void keep(ObjectNode answer) {
            if (!request.store() || caller == null) {
                return;
            }
            String id = answer.get("id").asText();
            try {
                store.save(new StoredResponse(id, caller.userId(), caller.keyId(), request.chat().model(),
                        request.previousResponseId(), request.input().toString(), answer.toString(), clock.instant()));
            } catch (RuntimeException e) {
                LOG.warn("Response {} of user {} was answered but not stored: {}", id, caller.userId(), e.toString());
            }
        }
    }
}
