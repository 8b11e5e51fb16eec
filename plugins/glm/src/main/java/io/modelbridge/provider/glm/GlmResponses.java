package io.modelbridge.provider.glm;

import static io.modelbridge.compat.OpenAiJson.protocol;

import io.modelbridge.compat.OpenAiResponses;
import io.modelbridge.compat.OpenAiStreamParser;
import io.modelbridge.compat.StreamRules;
import io.modelbridge.compat.UsagePlacement;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import java.util.function.Consumer;

/**
 * GLM answers and streams (vendor-protocols.md 6.5, 6.6, 6.8), read by the shared OpenAI-compatible module: GLM's
 * are OpenAI's but for its finish reasons, usage on the finish chunk of a stream (reported once, at the end), errors
 * as {@code event: error} events or {@code {"error":{...}}} data, and tool call fragments that repeat id and name.
 * Finish reasons: {@code sensitive} (output blocked by Zhipu's safety review) is {@code content_filter};
 * {@code network_error} (inference failed) is an UNAVAILABLE failure, not an answer.
 */
final class GlmResponses {
    static final String NETWORK_ERROR = "network_error";
    static final StreamRules STREAM_RULES = StreamRules.OPENAI.withUsage(UsagePlacement.LAST_AT_END)
            .withFinishReasons(GlmResponses::finishReason);

    private GlmResponses() {}

    static ChatResponse chat(String body) {
        return OpenAiResponses.chat(body, GlmResponses::finishReason);
    }

    /** A parser for one GLM stream. */
    static OpenAiStreamParser streamParser(String credential, Consumer<ChatChunk> out) {
        return new OpenAiStreamParser(STREAM_RULES, GlmErrors.INSTANCE, credential, out);
    }

    /** One embeddings answer, which must hold a vector for each of the {@code expected} inputs. */
    static EmbeddingResponse embeddings(String body, int expected) {
        EmbeddingResponse answer = OpenAiResponses.embeddings(body);
        if (answer.vectors().size() != expected) {
            throw protocol("embeddings answer with " + answer.vectors().size() + " vectors for " + expected + " inputs");
        }
        return answer;
    }

    static FinishReason finishReason(String glm) {
        if (NETWORK_ERROR.equals(glm)) {
            throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.UNAVAILABLE,
                    "upstream inference failed (GLM finish_reason network_error)"));
        }
        return "sensitive".equals(glm) ? FinishReason.CONTENT_FILTER : FinishReason.fromWire(glm);
    }
}
