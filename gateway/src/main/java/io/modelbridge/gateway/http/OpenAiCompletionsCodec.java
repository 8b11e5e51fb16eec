package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorShape;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.ids.RandomIds;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.PromptRequest;
import io.modelbridge.spi.PromptResponse;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.Usage;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's legacy completions dialect ({@code POST /v1/completions}): a prompt request, decoded for adapters that
 * serve prompts and translated into chat (the prompt as one user message) for those that do not; its
 * {@code text_completion} answer and stream. Without {@code max_tokens} a completion is limited to 16 tokens, as
 * OpenAI's endpoint does.
 */
final class OpenAiCompletionsCodec implements ClientCodec<CompletionCall> {
    /** OpenAI's default {@code max_tokens} for this endpoint. */
    static final int DEFAULT_MAX_TOKENS = 16;
    private static final Set<String> TYPED = Set.of("model", "prompt", "suffix", "stream", "stream_options",
            "temperature", "top_p", "max_tokens", "stop", "presence_penalty", "frequency_penalty", "n", "seed", "user");
    private final ObjectMapper json;
    private final JsonFields fields;
    private final ErrorShape errors;
    private final Clock clock;

    OpenAiCompletionsCodec(ObjectMapper json, ErrorShape errors, Clock clock) {
        this.json = json;
        this.fields = new JsonFields(json);
        this.errors = errors;
        this.clock = clock;
    }

    @Override
    public CompletionCall decode(JsonNode body) {
        if (!body.isObject()) {
            throw new GatewayException(ApiError.invalidRequest("The request body must be a JSON object.", null));
        }
        String model = JsonFields.requiredString(body, "model", "model");
        String prompt = prompt(body);
        String suffix = JsonFields.string(body, "suffix", "suffix");
        boolean stream = JsonFields.bool(body, "stream", false);
        JsonNode streamOptions = body.get("stream_options");
        boolean includeUsage = JsonFields.includeUsage(streamOptions);
        if (streamOptions != null && !streamOptions.isNull() && !stream) {
            throw new GatewayException(ApiError.invalidValue(
                    "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options"));
        }
        Map<String, Object> extras = extras(body);
        PromptRequest request = new PromptRequest(model, prompt, suffix, stream, includeUsage, sampling(body),
                JsonFields.string(body, "user", "user"), extras);
        CompletionCall.Untranslatable untranslatable = untranslatable(request, body);
        ChatRequest chat = untranslatable != null ? null : new ChatRequest(model, List.of(Message.of("user", prompt)),
                stream, includeUsage, request.sampling(), List.of(), null, request.user(), Map.of());
        return new CompletionCall(request, chat, untranslatable, new Answers(model, includeUsage));
    }

    @Override
    public String dialect() {
        return "openai-completions";
    }

    @Override
    public ErrorShape errors() {
        return errors;
    }

    /** A string, or an array of one string; token arrays and batches of prompts are refused. */
    private static String prompt(JsonNode body) {
        JsonNode prompt = body.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw new GatewayException(ApiError.invalidRequest("Missing required parameter: 'prompt'.", "prompt"));
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return prompt.get(0).textValue();
        }
        if (!prompt.isTextual()) {
            throw new GatewayException(ApiError.invalidValue("'prompt' must be a string or an array of one string: "
                    + "this gateway serves one prompt per request (no token arrays, no batches).", "prompt"));
        }
        return prompt.textValue();
    }

    private static Sampling sampling(JsonNode body) {
        Integer maxTokens = JsonFields.positiveInt(body, "max_tokens");
        return new Sampling(JsonFields.number(body, "temperature", 0, 2), JsonFields.number(body, "top_p", 0, 1),
                maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens, JsonFields.stop(body),
                JsonFields.number(body, "presence_penalty", -2, 2), JsonFields.number(body, "frequency_penalty", -2, 2),
                JsonFields.positiveInt(body, "n"), JsonFields.integer(body, "seed"));
    }

    /** What chat cannot express: the first such field, or null when the prompt translates. */
    private static CompletionCall.Untranslatable untranslatable(PromptRequest request, JsonNode body) {
        if (request.suffix() != null && !request.suffix().isEmpty()) {
            return new CompletionCall.Untranslatable("'suffix' (fill-in-the-middle) is not supported for this "
                    + "model: its channel serves chat only.", "suffix");
        }
        if (JsonFields.bool(body, "echo", false)) {
            return new CompletionCall.Untranslatable("'echo' is not supported for this model: its channel serves "
                    + "chat only.", "echo");
        }
        Long bestOf = JsonFields.integer(body, "best_of");
        if (bestOf != null && bestOf > 1) {
            return new CompletionCall.Untranslatable("'best_of' greater than 1 is not supported for this model: its "
                    + "channel serves chat only.", "best_of");
        }
        JsonNode logprobs = body.get("logprobs");
        if (logprobs != null && !logprobs.isNull() && !(logprobs.isIntegralNumber() && logprobs.asInt() == 0)) {
            return new CompletionCall.Untranslatable("'logprobs' is not supported for this model: its channel "
                    + "serves chat only.", "logprobs");
        }
        return null;
    }

    private Map<String, Object> extras(JsonNode body) {
        Map<String, Object> extras = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!TYPED.contains(e.getKey())) {
                extras.put(e.getKey(), fields.plainValue(e.getValue()));
            }
        }
        return extras;
    }

    /** Answers carry the model name the client asked for, and a completion id of their own. */
    private final class Answers implements CompletionCall.Answers {
        private final String model;
        private final boolean includeUsage;

        Answers(String model, boolean includeUsage) {
            this.model = model;
            this.includeUsage = includeUsage;
        }

        @Override
        public byte[] completion(PromptResponse response, Usage usage) {
            return encoder().completion(response, usage);
        }

        @Override
        public StreamEncoder stream() {
            return new CompletionStreamEncoder(encoder(), errors, includeUsage);
        }

        private CompletionEncoder encoder() {
            return new CompletionEncoder(json, "cmpl-" + RandomIds.base64Url(18), clock.instant().getEpochSecond(),
                    model);
        }
    }
}
