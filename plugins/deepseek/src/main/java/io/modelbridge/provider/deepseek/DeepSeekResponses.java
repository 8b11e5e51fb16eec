package io.modelbridge.provider.deepseek;

import io.modelbridge.compat.OpenAiResponses;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;

/**
 * DeepSeek answers are OpenAI's (read by the shared module) but for one finish reason. Its usage also carries
 * {@code prompt_cache_hit_tokens}/{@code prompt_cache_miss_tokens}, a split of the prompt tokens the SPI's Usage
 * does not carry.
 */
final class DeepSeekResponses {
    /** DeepSeek's finish reason when its inference capacity ran out mid-generation (docs "Create Chat Completion"). */
    static final String OUT_OF_CAPACITY = "insufficient_system_resource";

    private DeepSeekResponses() {}

    static ChatResponse chat(String body) {
        return OpenAiResponses.chat(body, DeepSeekResponses::finishReason);
    }

    /**
     * DeepSeek's finish reasons onto OpenAI's. {@code insufficient_system_resource} has no OpenAI value and means the
     * answer is incomplete for a reason that is not the client's: it is a retryable UNAVAILABLE failure.
     */
    static FinishReason finishReason(String wire) {
        if (OUT_OF_CAPACITY.equals(wire)) {
            throw new ProviderException(new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE,
                    "DeepSeek interrupted the answer: its inference system ran out of resources (finish_reason "
                            + OUT_OF_CAPACITY + ")", OUT_OF_CAPACITY, 0, null));
        }
        return FinishReason.fromWire(wire);
    }
}
