package io.modelbridge.compat;

import static io.modelbridge.compat.OpenAiJson.protocol;
import static io.modelbridge.compat.OpenAiJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** OpenAI response JSON to SPI records; anything that is not the expected shape is a PROTOCOL failure. */
public final class OpenAiResponses {
    /** The fields the SPI types model; everything else an answer carries travels as {@code extras}. */
    static final Set<String> MODELLED_ROOT = Set.of("id", "object", "created", "model", "choices", "usage");
    /** A choice's {@code usage} is where some vendors put a stream's usage (Kimi): read as usage, not passed on. */
    static final Set<String> MODELLED_CHOICE = Set.of("index", "message", "delta", "finish_reason", "usage");
    static final Set<String> MODELLED_MESSAGE = Set.of("role", "content", "tool_calls", "reasoning_content");

    private OpenAiResponses() {}

    /** An OpenAI chat completion, with OpenAI's finish reasons. */
    public static ChatResponse chat(String body) {
        return chat(body, FinishReason::fromWire);
    }

    /** A chat completion whose finish reasons map as {@code finishReasons} says (see {@link StreamRules}). */
    public static ChatResponse chat(String body, Function<String, FinishReason> finishReasons) {
        ChatResponse usual = OpenAiAnswerReader.chat(body, finishReasons);
        return usual != null ? usual : chatFromTree(body, finishReasons);
    }

    /**
     * A chat completion for the gateway to relay as it came when it can ({@link OpenAiAnswerReader#passed}), else to
     * encode: read as {@link #chat(String, Function)} reads it.
     */
    public static ChatPassthrough.Answer passed(String body, Function<String, FinishReason> finishReasons) {
        ChatPassthrough.Answer usual = OpenAiAnswerReader.passed(body, finishReasons);
        return usual != null ? usual : ChatPassthrough.Answer.encoded(chatFromTree(body, finishReasons));
    }

    /** The answer read as a tree: every answer the token reader leaves, and every protocol failure. */
    static ChatResponse chatFromTree(String body, Function<String, FinishReason> finishReasons) {
        JsonNode root = object(body, "chat completion");
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            throw protocol("chat completion without choices");
        }
        List<ChatResponse.Choice> result = new ArrayList<>();
        for (JsonNode choice : choices) {
            result.add(new ChatResponse.Choice(choice.path("index").asInt(result.size()),
                    message(choice.path("message")), finishReasons.apply(text(choice, "finish_reason")),
                    OpenAiJson.extras(choice, MODELLED_CHOICE)));
        }
        return new ChatResponse(text(root, "id"), result, usage(root.get("usage")), OpenAiJson.extras(root, MODELLED_ROOT));
    }

    public static EmbeddingResponse embeddings(String body) {
        JsonNode root = object(body, "embeddings answer");
        JsonNode data = root.path("data");
        if (!data.isArray()) {
            throw protocol("embeddings answer without data");
        }
        List<JsonNode> items = new ArrayList<>();
        data.forEach(items::add);
        items.sort(Comparator.comparingInt(item -> item.path("index").asInt()));
        List<float[]> vectors = new ArrayList<>();
        for (JsonNode item : items) {
            vectors.add(vector(item.path("embedding")));
        }
        return new EmbeddingResponse(vectors, usage(root.get("usage")));
    }

    /**
     * Usage from {@code {"prompt_tokens","completion_tokens","total_tokens"}}, with the cached prompt tokens
     * ({@code prompt_tokens_details.cached_tokens}, else DeepSeek's {@code prompt_cache_hit_tokens}) and the
     * reasoning tokens ({@code completion_tokens_details.reasoning_tokens}) when sent; null when absent or JSON null.
     */
    public static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        int prompt = OpenAiJson.tokens(usage, "prompt_tokens", 0);
        int completion = OpenAiJson.tokens(usage, "completion_tokens", 0);
        int total = OpenAiJson.totalTokens(usage, "total_tokens", prompt + completion);
        Integer cached = detail(usage.path("prompt_tokens_details"), "cached_tokens");
        return new Usage(prompt, completion, total, cached != null ? cached : detail(usage, "prompt_cache_hit_tokens"),
                detail(usage.path("completion_tokens_details"), "reasoning_tokens"));
    }

    /** A token count inside a usage's details object; null when the object or the field is absent or JSON null. */
    public static Integer detail(JsonNode details, String field) {
        JsonNode value = details.get(field);
        return value == null || value.isNull() ? null : OpenAiJson.tokens(details, field, 0);
    }

    private static Message message(JsonNode message) {
        List<ContentPart> content = new ArrayList<>();
        JsonNode raw = message.path("content");
        if (raw.isTextual() && !raw.asText().isEmpty()) {
            content.add(new ContentPart.Text(raw.asText()));
        } else if (raw.isArray()) {
            raw.forEach(part -> content.add(new ContentPart.Text(part.path("text").asText(""))));
        }
        List<ToolCall> calls = toolCalls(message.path("tool_calls"));
        String role = message.path("role").asText("assistant");
        String reasoning = text(message, "reasoning_content");
        return new Message(role, content, null, calls, null, reasoning == null || reasoning.isEmpty() ? null : reasoning,
                OpenAiJson.extras(message, MODELLED_MESSAGE));
    }

    /** A message's function calls. */
    static List<ToolCall> toolCalls(JsonNode toolCalls) {
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : toolCalls) {
            if (!"function".equals(call.path("type").asText("function"))) {
                continue; // results of a vendor's built-in tools (GLM's web_search, retrieval) have no OpenAI form
            }
            JsonNode function = call.path("function");
            calls.add(new ToolCall(text(call, "id"), text(function, "name"), arguments(function.get("arguments"))));
        }
        return calls;
    }

    /** A tool call's arguments: a JSON string, or (GLM at times) the JSON object itself, written back as its text. */
    public static String arguments(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return "";
        }
        return arguments.isTextual() ? arguments.asText() : arguments.toString();
    }

    /** A float array, or OpenAI's base64 of little-endian float32s. */
    private static float[] vector(JsonNode embedding) {
        if (embedding.isTextual()) {
            ByteBuffer bytes;
            try {
                bytes = ByteBuffer.wrap(Base64.getDecoder().decode(embedding.asText())).order(ByteOrder.LITTLE_ENDIAN);
            } catch (IllegalArgumentException e) {
                throw protocol("embedding is a string but not base64");
            }
            float[] vector = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(vector);
            return vector;
        }
        if (!embedding.isArray()) {
            throw protocol("embedding is neither an array nor base64");
        }
        float[] vector = new float[embedding.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) embedding.get(i).asDouble();
        }
        return vector;
    }

    /** The body as a JSON object, or a PROTOCOL failure naming {@code what} it should have been. */
    public static JsonNode object(String body, String what) {
        return OpenAiJson.parse(body).filter(JsonNode::isObject)
                .orElseThrow(() -> protocol("upstream sent a " + what + " that is not JSON: " + UpstreamText.excerpt(body)));
    }
}
