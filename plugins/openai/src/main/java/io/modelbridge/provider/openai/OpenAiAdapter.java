package io.modelbridge.provider.openai;

import io.modelbridge.compat.OpenAiCodec;
import io.modelbridge.compat.OpenAiCompatibleAdapter;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.Capability;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.NativeResponses;
import io.modelbridge.spi.PromptRequest;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.SseEvent;
import io.modelbridge.spi.SseReader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * OpenAI's chat completions and embeddings, also usable for any OpenAI-compatible upstream (set the channel's
 * base URL). Channel extras: {@code organization} and {@code project} become {@code OpenAI-Organization} and
 * {@code OpenAI-Project}; {@code max-tokens-field} forces {@code max_tokens} or {@code max_completion_tokens}.
 * Everything else is the shared OpenAI-compatible module's default. A channel marked {@code responses_api: native}
 * gets Responses API requests as the client sent them ({@link NativeResponses}, {@code /v1/responses}).
 */
@Extension
public final class OpenAiAdapter extends OpenAiCompatibleAdapter implements NativeResponses {
    private static final String RESPONSES_PATH = "/v1/responses";
    static final String DEFAULT_BASE_URL = "https://api.openai.com";
    private static final Pattern PROMPT_MODELS = Pattern.compile("^(gpt-3\\.5-turbo-instruct|davinci-002|babbage-002).*");
    static final ProviderInfo INFO = new ProviderInfo("openai", "OpenAI", "API key (sk-...)", DEFAULT_BASE_URL,
            List.of("gpt-4o", "gpt-4o-mini", "gpt-4-turbo", "gpt-3.5-turbo", "gpt-4.1", "gpt-4.1-mini",
                    "gpt-4.1-nano", "o1", "o3-mini", "text-embedding-3-small", "text-embedding-3-large",
                    "text-embedding-ada-002"),
            Set.of(Capability.CHAT, Capability.STREAM, Capability.TOOLS, Capability.EMBEDDINGS));

    @Override
    public ProviderInfo info() {
        return INFO;
    }

    @Override
    protected Map<String, String> headers(ProviderSettings settings, String accept) {
        Map<String, String> headers = super.headers(settings, accept);
        putIfSet(headers, "OpenAI-Organization", settings.extras().get("organization"));
        putIfSet(headers, "OpenAI-Project", settings.extras().get("project"));
        return headers;
    }

    @Override
    protected String chatBody(ChatRequest request, boolean stream, ProviderSettings settings) {
        return OpenAiCodec.chatRequest(request, stream, settings.extras().get("max-tokens-field"));
    }

    /** The body is the shared codec's, so a request that needs no translation goes as the client sent it. */
    @Override
    protected String passthroughTokenField(ChatRequest request, ProviderSettings settings) {
        return OpenAiCodec.maxTokensField(request.model(), settings.extras().get("max-tokens-field"));
    }

    /** OpenAI's legacy endpoint; any other OpenAI-compatible server (vLLM, llama.cpp, Ollama) has it too. */
    @Override
    protected String completionsPath() {
        return "/v1/completions";
    }

    /**
     * On api.openai.com only the instruct and base models answer prompts (chat models are translated through chat);
     * behind another base URL every model is sent to the legacy endpoint (channel extra {@code completions=chat}
     * turns that off).
     */
    @Override
    protected boolean servesPrompts(PromptRequest request, ProviderSettings settings) {
        return !settings.baseUrl().isBlank() && !settings.baseUrl().contains("api.openai.com")
                || PROMPT_MODELS.matcher(request.model()).matches();
    }

    @Override
    public String respond(String body, CallContext ctx) {
        try (HttpReply reply = send(ctx, RESPONSES_PATH, body, "application/json")) {
            return reply.bodyText();
        }
    }

    @Override
    public void streamResponses(String body, CallContext ctx, Consumer<SseEvent> out) {
        try (HttpReply reply = send(ctx, RESPONSES_PATH, body, "text/event-stream")) {
            SseReader events = new SseReader(reply.body());
            for (var event = events.next(); event.isPresent(); event = events.next()) {
                out.accept(event.get());
            }
        }
    }

    private static void putIfSet(Map<String, String> headers, String name, String value) {
        if (value != null && !value.isBlank()) {
            headers.put(name, value.strip());
        }
    }
}
