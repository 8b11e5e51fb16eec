package io.modelbridge.gateway.http;

import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.Usage;

/** A chat request in canonical form, and how its dialect answers it. */
record ChatCall(ChatRequest request, Answers answers) {

    /** The dialect's answer to one request: a whole answer, or the events of a stream. */
    interface Answers {
        /** The JSON body of a whole answer, with the usage that is billed. */
        byte[] completion(ChatResponse response, Usage usage);

        /** The encoder of this request's stream. */
        StreamEncoder stream();

        /** The encoder of this request's stream, told the prompt's tokens (Anthropic's message_start reports them). */
        default StreamEncoder stream(int promptTokens) {
            return stream();
        }
    }
}
