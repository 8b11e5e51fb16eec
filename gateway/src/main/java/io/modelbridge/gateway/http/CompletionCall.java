package io.modelbridge.gateway.http;

import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.PromptRequest;
import io.modelbridge.spi.PromptResponse;
import io.modelbridge.spi.Usage;

/**
 * A legacy (prompt) completion in canonical form: the prompt request for adapters that serve prompts natively, its
 * translation into chat for those that do not (null when it cannot be translated: {@code untranslatable} says why),
 * and how its dialect answers it.
 */
record CompletionCall(PromptRequest prompt, ChatRequest chat, Untranslatable untranslatable, Answers answers) {

    /** Why the call cannot go through chat: the message and the field it names. */
    record Untranslatable(String message, String param) {}

    /** The dialect's answer: a whole answer, or the events of a stream. */
    interface Answers {
        byte[] completion(PromptResponse response, Usage usage);

        StreamEncoder stream();
    }
}
