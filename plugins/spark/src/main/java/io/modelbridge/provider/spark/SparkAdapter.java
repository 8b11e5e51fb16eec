package io.modelbridge.provider.spark;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.Capability;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.WebSocketSession;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.pf4j.Extension;

/**
 * iFlytek Spark on its native WebSocket API (spark-api.xf-yun.com): one signed WebSocket per call, one request
 * frame, response frames with status 0/1/2 relayed as they arrive. The channel credential is
 * {@code APPID|APISecret|APIKey}. The model picks the path and {@code domain} ({@link SparkModel}); the path is
 * appended to the channel's base URL ({@code ws://127.0.0.1:9001} → {@code ws://127.0.0.1:9001/v3.5/chat} for
 * spark-max; an http(s) base is taken as ws(s)). Spark has no embeddings on this API: the SPI default refuses them.
 */
@Extension
public final class SparkAdapter implements ProviderAdapter {
    static final String DEFAULT_BASE_URL = "wss://spark-api.xf-yun.com";
    static final ProviderInfo INFO = new ProviderInfo("spark", "iFlytek Spark", SparkCredential.FORMAT,
            DEFAULT_BASE_URL, SparkModel.knownNames(), Set.of(Capability.CHAT, Capability.STREAM, Capability.TOOLS));

    @Override
    public ProviderInfo info() {
        return INFO;
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext ctx) {
        SparkAnswer answer = new SparkAnswer();
        SparkRelay.Outcome outcome = exchange(request, ctx, answer);
        return answer.response(outcome);
    }

    @Override
    public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
        exchange(request, ctx, out);
    }

    /** Everything is checked and encoded before the socket opens, so a refused request never reaches Spark. */
    private static SparkRelay.Outcome exchange(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
        SparkModel model = SparkModel.find(request.model()).orElseThrow(() -> unknownModel(request.model()));
        SparkCredential credential = SparkCredential.parse(ctx.settings().credential());
        String frame = SparkCodec.requestFrame(request, model, credential.appId());
        URI signed = SparkSigner.sign(endpoint(ctx, model), credential.apiKey(), credential.apiSecret(),
                ctx.clock().instant());
        Integer maxTokens = request.sampling() == null || request.sampling().maxTokens() == null
                ? null : Math.min(request.sampling().maxTokens(), model.maxTokens());
        try (WebSocketSession session = open(ctx, signed)) {
            session.sendText(frame);
            return new SparkRelay(credential, maxTokens, out).run(session);
        }
    }

    private static WebSocketSession open(CallContext ctx, URI signed) {
        try {
            return ctx.transport().openWebSocket(signed, Map.of());
        } catch (ProviderException e) {
            throw SparkErrors.handshake(e);
        }
    }

    /** The model's path under the channel's base URL, with http(s) read as ws(s). */
    static URI endpoint(CallContext ctx, SparkModel model) {
        URI uri = ctx.settings().endpoint(DEFAULT_BASE_URL, model.path());
        String scheme = uri.getScheme();
        if ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) {
            return URI.create((scheme.length() == 5 ? "wss" : "ws") + uri.toString().substring(scheme.length()));
        }
        return uri;
    }

    private static ProviderException unknownModel(String model) {
        return new ProviderException(ProviderFailure.of(ProviderFailure.Kind.MODEL_NOT_FOUND, "Spark has no model '"
                + model + "' on its WebSocket API; known: " + String.join(", ", SparkModel.knownNames())));
    }
}
