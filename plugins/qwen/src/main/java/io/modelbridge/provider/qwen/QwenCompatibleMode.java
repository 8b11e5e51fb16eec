package io.modelbridge.provider.qwen;

import io.modelbridge.compat.OpenAiCodec;
import io.modelbridge.compat.OpenAiCompatibleAdapter;
import io.modelbridge.compat.StreamRules;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.ProviderSettings;
import java.util.Map;

/**
 * DashScope's OpenAI-compatible mode ({@code /compatible-mode/v1/chat/completions} and {@code /embeddings}, OpenAI's
 * bodies, streams and error shape), on the shared module; chosen by the channel extra {@code mode=compatible}.
 * Not an extension of its own: {@link QwenAdapter} hands it the calls of such channels.
 */
final class QwenCompatibleMode extends OpenAiCompatibleAdapter {
    static final String BASE_PATH = "/compatible-mode/v1";
    private static final StreamRules STREAM = StreamRules.OPENAI.withVendor("DashScope");

    /** Whether the channel asks for the compatible mode ({@code mode=compatible}; {@code native} is the default). */
    static boolean chosenBy(ProviderSettings settings) {
        return "compatible".equalsIgnoreCase(settings.extras().getOrDefault("mode", "native").strip());
    }

    @Override
    public ProviderInfo info() {
        return QwenAdapter.INFO;
    }

    @Override
    protected String chatPath() {
        return BASE_PATH + "/chat/completions";
    }

    @Override
    protected String embeddingsPath() {
        return BASE_PATH + "/embeddings";
    }

    @Override
    protected Map<String, String> headers(ProviderSettings settings, String accept) {
        Map<String, String> headers = super.headers(settings, accept);
        String workspace = settings.extras().get("workspace");
        if (workspace != null && !workspace.isBlank()) {
            headers.put("X-DashScope-WorkSpace", workspace.strip());
        }
        return headers;
    }

    /** The body is the shared codec's, so a request that needs no translation goes as the client sent it. */
    @Override
    protected String passthroughTokenField(ChatRequest request, ProviderSettings settings) {
        return OpenAiCodec.maxTokensField(request.model(), null);
    }

    @Override
    protected StreamRules streamRules() {
        return STREAM;
    }
}
