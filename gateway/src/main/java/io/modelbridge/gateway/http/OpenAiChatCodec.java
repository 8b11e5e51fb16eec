package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.ErrorShape;
import io.modelbridge.gateway.ids.RandomIds;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.Usage;
import java.time.Clock;
import java.util.function.Consumer;

/** The OpenAI chat completions dialect: its request, its {@code chat.completion} answer and stream, its errors. */
final class OpenAiChatCodec implements ClientCodec<ChatCall> {
    private final ObjectMapper json;
    private final ChatRequestParser parser;
    private final ErrorShape errors;
    private final Clock clock;

    OpenAiChatCodec(ObjectMapper json, ErrorShape errors, Clock clock) {
        this.json = json;
        this.parser = new ChatRequestParser(json);
        this.errors = errors;
        this.clock = clock;
    }

    @Override
    public ChatCall decode(JsonNode body) {
        ChatRequest chat = parser.parse(body);
        return new ChatCall(chat, new Answers(chat));
    }

    /** The hot path: the body's tokens read once, without a tree (the tree only where a body needs it). */
    @Override
    public ChatCall decode(byte[] body, ObjectMapper json, Caller caller, Consumer<String> named) {
        ChatRequestReader.Read read = parser.read(body, named);
        return new ChatCall(read.request(), new Answers(read.request()), read.body());
    }

    @Override
    public ErrorShape errors() {
        return errors;
    }

    /** Answers carry the model name the client asked for, and a completion id of their own. */
    private final class Answers implements ChatCall.Answers {
        private final ChatRequest chat;

        Answers(ChatRequest chat) {
            this.chat = chat;
        }

        @Override
        public byte[] completion(ChatResponse response, Usage usage) {
            return completion(response, usage, ResponseProfile.FULL);
        }

        @Override
        public byte[] completion(ChatResponse response, Usage usage, ResponseProfile profile) {
            return encoder(false, profile).completion(response, usage);
        }

        @Override
        public StreamEncoder stream() {
            return stream(ResponseProfile.FULL);
        }

        @Override
        public StreamEncoder stream(int promptTokens, ResponseProfile profile) {
            return stream(profile);
        }

        private StreamEncoder stream(ResponseProfile profile) {
            return new OpenAiStreamEncoder(encoder(chat.includeUsage(), profile), errors, chat.includeUsage());
        }

        /** The upstream's text with the same id, created time and model as an encoded answer would have. */
        @Override
        public byte[] relayed(ChatPassthrough.Answer answer) {
            return RelayedAnswer.of(answer, id(), clock.instant().getEpochSecond(), chat.model());
        }

        private ResponseEncoder encoder(boolean usageField, ResponseProfile profile) {
            return new ResponseEncoder(json, id(), clock.instant().getEpochSecond(), chat.model(), usageField, profile);
        }

        private static String id() {
            return "chatcmpl-" + RandomIds.base64Url(18);
        }
    }
}
