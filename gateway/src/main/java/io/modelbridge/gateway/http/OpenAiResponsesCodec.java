package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorShape;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.Usage;
import java.time.Clock;

/**
 * The OpenAI Responses dialect ({@code POST /v1/responses}), translated through the canonical chat types: its request,
 * its {@code response} object and typed event stream; errors in OpenAI's shape, as for chat completions.
 */
final class OpenAiResponsesCodec implements ClientCodec<ChatCall> {
    private final ObjectMapper json;
    private final ResponsesRequestParser parser;
    private final ErrorShape errors;
    private final Clock clock;

    OpenAiResponsesCodec(ObjectMapper json, ErrorShape errors, Clock clock) {
        this.json = json;
        this.parser = new ResponsesRequestParser(json);
        this.errors = errors;
        this.clock = clock;
    }

    @Override
    public ChatCall decode(JsonNode body) {
        ResponsesRequest request = parser.parse(body);
        if (request.previousResponseId() != null) {
            throw previousNotFound(request.previousResponseId());
        }
        return new ChatCall(request.chat(), new Answers(request));
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

    private final class Answers implements ChatCall.Answers {
        private final ResponsesEncoder encoder;

        Answers(ResponsesRequest request) {
            this.encoder = new ResponsesEncoder(json, clock.instant().getEpochSecond(), request.chat().model(),
                    request.echo());
        }

        @Override
        public byte[] completion(ChatResponse response, Usage usage) {
            return encoder.bytes(encoder.response(response, usage));
        }

        @Override
        public StreamEncoder stream() {
            return new ResponsesStreamEncoder(encoder, done -> { });
        }
    }
}
