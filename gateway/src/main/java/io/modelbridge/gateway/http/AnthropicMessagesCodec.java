package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.modelbridge.gateway.error.ErrorShape;
import io.modelbridge.gateway.ids.RandomIds;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.Usage;
import java.time.Duration;
import java.util.Optional;

/**
 * The Anthropic Messages dialect ({@code POST /v1/messages}): the key in {@code x-api-key} (or a Bearer
 * Authorization header), its request, its {@code message} answer and event stream, its errors.
 * {@code anthropic-version} and {@code anthropic-beta} are accepted and not needed.
 */
final class AnthropicMessagesCodec implements ClientCodec<ChatCall> {
    static final String API_KEY = "x-api-key";
    private final ObjectMapper json;
    private final AnthropicRequestParser parser;
    private final AnthropicErrors errors;
    private final Duration pingAfter;

    AnthropicMessagesCodec(ObjectMapper json) {
        this(json, Duration.ZERO);
    }

    /** @param pingAfter MB_STREAM_PING_SECONDS: a stream's silence before a ping; zero: no pings */
    AnthropicMessagesCodec(ObjectMapper json, Duration pingAfter) {
        this.json = json;
        this.pingAfter = pingAfter;
        this.parser = new AnthropicRequestParser(json);
        this.errors = new AnthropicErrors(json);
    }

    /** {@code x-api-key: <key>} as {@code Bearer <key>}, else the Authorization header. */
    @Override
    public Optional<String> credential(ServerRequest req) {
        return req.headers().first(HeaderNames.create(API_KEY)).map(key -> "Bearer " + key.strip())
                .or(() -> req.headers().first(HeaderNames.AUTHORIZATION));
    }

    @Override
    public ChatCall decode(JsonNode body) {
        ChatRequest chat = parser.parse(body, true);
        return new ChatCall(chat, new Answers(chat, thinkingAsked(body)));
    }

    @Override
    public String dialect() {
        return "anthropic-messages";
    }

    @Override
    public ErrorShape errors() {
        return errors;
    }

    /**
     * {@code "thinking": {"type": "enabled", "budget_tokens": N}}: the client wants the model's reasoning as thinking
     * blocks. The budget has no canonical place (the vendor's model decides how long it reasons), so it is not read.
     */
    private static boolean thinkingAsked(JsonNode body) {
        return "enabled".equals(body.path("thinking").path("type").asText());
    }

    AnthropicRequestParser parser() {
        return parser;
    }

    /** Answers carry the model name the client asked for and a message id of their own. */
    private final class Answers implements ChatCall.Answers {
        private final AnthropicMessageEncoder encoder;

        Answers(ChatRequest chat, boolean thinking) {
            this.encoder = new AnthropicMessageEncoder(json, "msg_" + RandomIds.base64Url(18), chat.model(), thinking,
                    chat.sampling().stop());
        }

        @Override
        public byte[] completion(ChatResponse response, Usage usage) {
            return encoder.message(response, usage);
        }

        @Override
        public StreamEncoder stream() {
            return stream(0, ResponseProfile.FULL);
        }

        /** Anthropic's answers have no response profile: the prompt's tokens go into message_start. */
        @Override
        public StreamEncoder stream(int promptTokens, ResponseProfile profile) {
            return new AnthropicStreamEncoder(encoder, errors, promptTokens, pingAfter);
        }
    }
}
