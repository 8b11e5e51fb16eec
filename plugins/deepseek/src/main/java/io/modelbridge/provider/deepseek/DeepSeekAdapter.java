package io.modelbridge.provider.deepseek;

import io.modelbridge.compat.OpenAiCompatibleAdapter;
import io.modelbridge.compat.OpenAiErrors;
import io.modelbridge.compat.OpenAiStreamParser;
import io.modelbridge.compat.StreamRules;
import io.modelbridge.compat.UsagePlacement;
import io.modelbridge.spi.Capability;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.PromptRequest;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.ProviderSettings;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.pf4j.Extension;

/**
 * DeepSeek's chat completions ({@code POST /chat/completions} under {@code https://api.deepseek.com}, bearer key),
 * on the shared OpenAI-compatible module. DeepSeek has no embeddings endpoint. Its stream is OpenAI's with
 * {@code : keep-alive} comments, {@code delta.reasoning_content} from the reasoner, usage on the finish chunk and on a
 * trailing {@code choices: []} chunk (reported once, at the end) and the {@code insufficient_system_resource} finish
 * reason. Channel extra {@code reasoning-history}: {@code drop} (default) leaves earlier turns'
 * {@code reasoning_content} out of the request, {@code keep} sends it back.
 */
@Extension
public final class DeepSeekAdapter extends OpenAiCompatibleAdapter {
    static final String DEFAULT_BASE_URL = "https://api.deepseek.com";
    static final String CHAT_PATH = "/chat/completions";
    static final String FIM_PATH = "/beta/completions";
    static final ProviderInfo INFO = new ProviderInfo("deepseek", "DeepSeek",
            "API key, sent as Authorization: Bearer sk-...", DEFAULT_BASE_URL,
            List.of("deepseek-chat", "deepseek-reasoner"),
            Set.of(Capability.CHAT, Capability.STREAM, Capability.TOOLS));
    static final StreamRules STREAM_RULES = StreamRules.OPENAI.withVendor("DeepSeek")
            .withUsage(UsagePlacement.LAST_AT_END).withFinishReasons(DeepSeekResponses::finishReason);

    @Override
    public ProviderInfo info() {
        return INFO;
    }

    /** A parser for one DeepSeek stream. */
    static OpenAiStreamParser streamParser(String credential, Consumer<ChatChunk> out) {
        return new OpenAiStreamParser(STREAM_RULES, DeepSeekErrors.INSTANCE, credential, out);
    }

    @Override
    protected String chatPath() {
        return CHAT_PATH;
    }

    /** DeepSeek's FIM (fill-in-the-middle) completion, a beta: prompt and optional suffix. */
    @Override
    protected String completionsPath() {
        return FIM_PATH;
    }

    /** Only deepseek-chat serves FIM; the reasoner's prompts go through chat. */
    @Override
    protected boolean servesPrompts(PromptRequest request, ProviderSettings settings) {
        return request.model().equals("deepseek-chat");
    }

    @Override
    protected String chatBody(ChatRequest request, boolean stream, ProviderSettings settings) {
        return DeepSeekCodec.chatRequest(request, stream, keepReasoning(settings));
    }

    /**
     * A request the gateway keeps as the client sent it goes to DeepSeek that way when this adapter's body would say the
     * same ({@link DeepSeekCodec#writesAsOpenAi}); its limit is DeepSeek's {@code max_tokens}.
     */
    @Override
    protected String passthroughTokenField(ChatRequest request, ProviderSettings settings) {
        return DeepSeekCodec.writesAsOpenAi(request) ? "max_tokens" : null;
    }

    @Override
    protected StreamRules streamRules() {
        return STREAM_RULES;
    }

    @Override
    protected OpenAiErrors errors() {
        return DeepSeekErrors.INSTANCE;
    }

    private static boolean keepReasoning(ProviderSettings settings) {
        return "keep".equalsIgnoreCase(settings.extras().getOrDefault("reasoning-history", "drop").strip());
    }
}
