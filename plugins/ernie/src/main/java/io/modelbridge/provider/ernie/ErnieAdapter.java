package io.modelbridge.provider.ernie;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.Capability;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.UpstreamLimits;
import io.modelbridge.spi.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.pf4j.Extension;

/**
 * Baidu ERNIE through the classic Qianfan (Wenxin Workshop) API: the channel credential {@code API_KEY|SECRET_KEY}
 * is exchanged for an access token (cached per credential, see {@link ErnieTokenSource}), each model has its own
 * endpoint path, and the stream is SSE ending with {@code is_end}. Facts and sources: docs/vendors/ernie.md.
 */
@Extension
public final class ErnieAdapter implements ProviderAdapter {
    static final ProviderInfo INFO = new ProviderInfo("ernie", "Baidu ERNIE (Qianfan)",
            ErnieCredential.FORMAT + " (Qianfan application API Key and Secret Key)", ErnieEndpoints.DEFAULT_BASE_URL,
            ErnieEndpoints.KNOWN_MODELS, Set.of(Capability.CHAT, Capability.STREAM, Capability.TOOLS,
                    Capability.EMBEDDINGS));

    private final ErnieUpstream upstream;

    public ErnieAdapter() {
        this(new ErnieTokenSource());
    }

    ErnieAdapter(ErnieTokenSource tokens) {
        this.upstream = new ErnieUpstream(tokens);
    }

    @Override
    public ProviderInfo info() {
        return INFO;
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext ctx) {
        ErnieCredential credential = ErnieCredential.parse(ctx.settings().credential());
        String body = ErnieCodec.chat(request, false);
        ErnieUpstream.Answer answer = upstream.post(ctx, credential, ErnieEndpoints.chatPath(request.model()), body, false);
        return switch (answer) {
            case ErnieUpstream.Answer.Json json -> ErnieResponses.chat(json.body());
            case ErnieUpstream.Answer.Events events -> {
                events.reply().close();
                throw ErnieErrors.protocol("ERNIE answered a non-stream call with a stream");
            }
        };
    }

    @Override
    public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
        ErnieCredential credential = ErnieCredential.parse(ctx.settings().credential());
        String body = ErnieCodec.chat(request, true);
        ErnieUpstream.Answer answer = upstream.post(ctx, credential, ErnieEndpoints.chatPath(request.model()), body, true);
        switch (answer) {
            case ErnieUpstream.Answer.Events events -> {
                try {
                    new ErnieStreamParser(credential, out).parse(events.body());
                } finally {
                    events.reply().close(); // also when the consumer throws: cancels ERNIE's generation
                }
            }
            case ErnieUpstream.Answer.Json json -> replay(ErnieResponses.chat(json.body()), out);
        }
    }

    /** Texts go out in batches of 16 (Qianfan's limit per call); vectors and usage are joined in input order. */
    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext ctx) {
        ErnieCredential credential = ErnieCredential.parse(ctx.settings().credential());
        String path = ErnieEndpoints.embeddingsPath(request.model());
        List<float[]> vectors = new ArrayList<>();
        long prompt = 0; // sums of batches are longs, so that many large counts cannot wrap into a small one
        long total = 0;
        boolean counted = true;
        for (int from = 0; from < request.input().size(); from += ErnieCodec.EMBEDDING_BATCH) {
            List<String> batch = request.input().subList(from, Math.min(request.input().size(),
                    from + ErnieCodec.EMBEDDING_BATCH));
            ErnieUpstream.Answer answer = upstream.post(ctx, credential, path,
                    ErnieCodec.embeddings(batch, request.user()), false);
            if (!(answer instanceof ErnieUpstream.Answer.Json json)) {
                ((ErnieUpstream.Answer.Events) answer).reply().close();
                throw ErnieErrors.protocol("ERNIE answered an embeddings call with a stream");
            }
            EmbeddingResponse part = ErnieResponses.embeddings(json.body());
            if (part.vectors().size() != batch.size()) {
                throw ErnieErrors.protocol("ERNIE returned " + part.vectors().size() + " vectors for " + batch.size()
                        + " texts");
            }
            vectors.addAll(part.vectors());
            counted &= part.usage() != null;
            prompt += part.usage() == null ? 0 : part.usage().promptTokens();
            total += part.usage() == null ? 0 : part.usage().totalTokens();
        }
        checkDimensions(request, vectors);
        if (!counted) {
            return new EmbeddingResponse(vectors, null);
        }
        int promptTokens = UpstreamLimits.tokenCount("prompt_tokens of all batches", prompt);
        int totalTokens = UpstreamLimits.totalTokenCount("total_tokens of all batches", total);
        return new EmbeddingResponse(vectors, new Usage(promptTokens, 0, totalTokens));
    }

    /** ERNIE's vectors have a fixed size per model; a different {@code dimensions} cannot be honoured. */
    private static void checkDimensions(EmbeddingRequest request, List<float[]> vectors) {
        Integer wanted = request.dimensions();
        if (wanted != null && !vectors.isEmpty() && vectors.getFirst().length != wanted) {
            throw ErnieErrors.badRequest("model " + request.model() + " returns " + vectors.getFirst().length
                    + "-dimensional vectors; dimensions=" + wanted + " cannot be honoured");
        }
    }

    /** A stream call that ERNIE answered with one whole JSON answer: relayed as the equivalent chunks. */
    private static void replay(ChatResponse response, Consumer<ChatChunk> out) {
        ChatResponse.Choice choice = response.choices().getFirst();
        if (!choice.message().text().isEmpty()) {
            out.accept(new ChatChunk.TextDelta(0, choice.message().text()));
        }
        choice.message().toolCalls().forEach(call ->
                out.accept(new ChatChunk.ToolCallDelta(0, 0, call.id(), call.name(), call.arguments())));
        out.accept(new ChatChunk.Finish(0, choice.finishReason() == null ? FinishReason.STOP : choice.finishReason()));
        if (response.usage() != null) {
            out.accept(new ChatChunk.UsageReport(response.usage()));
        }
    }
}
