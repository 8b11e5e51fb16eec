package io.modelbridge.gateway.http;

import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.Usage;

/**
 * A chat request in canonical form, and how its dialect answers it; {@code body} is the client's body when it may go
 * upstream as it came ({@link ClientChatBody}), else null.
 */
record ChatCall(ChatRequest request, Answers answers, ClientChatBody body) {

    ChatCall(ChatRequest request, Answers answers) {
        this(request, answers, null);
    }

    /** The dialect's answer to one request: a whole answer, or the events of a stream. */
    interface Answers {
        /** The JSON body of a whole answer, with the usage that is billed. */
        byte[] completion(ChatResponse response, Usage usage);

        /** The encoder of this request's stream. */
        StreamEncoder stream();

        /**
         * The upstream's whole answer relayed as it came, with this dialect's id, created and model in place of the
         * upstream's; null for a dialect that cannot relay it (the answer is then encoded).
         */
        default byte[] relayed(ChatPassthrough.Answer answer) {
            return null;
        }

        /** The whole answer limited to the key's {@link ResponseProfile}; a dialect without profiles ignores it. */
        default byte[] completion(ChatResponse response, Usage usage, ResponseProfile profile) {
            return completion(response, usage);
        }

        /**
         * The encoder of this request's stream, for the key's {@link ResponseProfile} and told the prompt's tokens
         * (Anthropic's message_start reports them); a dialect that needs neither ignores them.
         */
        default StreamEncoder stream(int promptTokens, ResponseProfile profile) {
            return stream();
        }
    }
}
