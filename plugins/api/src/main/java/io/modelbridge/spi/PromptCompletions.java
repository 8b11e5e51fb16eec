package io.modelbridge.spi;

import java.util.function.Consumer;

/**
 * Optional capability of a {@link ProviderAdapter}: the vendor serves prompt completions (OpenAI's legacy
 * {@code /v1/completions}, DeepSeek's FIM {@code /beta/completions}) natively. An adapter that does not implement it,
 * or answers {@code false} from {@link #completesPrompts}, gets such requests translated into chat by the gateway
 * (the prompt as one user message), and what chat cannot express ({@code suffix}, {@code echo}, {@code best_of},
 * {@code logprobs}) is refused with a 400.
 */
public interface PromptCompletions {

    /** Whether this request (its model, {@code suffix}, extras) is served natively; {@code request.model()} is upstream's. */
    boolean completesPrompts(PromptRequest request, ProviderSettings settings);

    /** A complete (non-streamed) prompt completion. */
    PromptResponse complete(PromptRequest request, CallContext ctx);

    /**
     * A streamed prompt completion: text as {@link ChatChunk.TextDelta}, then {@link ChatChunk.Finish} and
     * {@link ChatChunk.UsageReport}, with the same rules as {@link ProviderAdapter#stream}.
     */
    void streamPrompt(PromptRequest request, CallContext ctx, Consumer<ChatChunk> out);
}
