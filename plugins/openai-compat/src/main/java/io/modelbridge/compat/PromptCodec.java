package io.modelbridge.compat;

import static io.modelbridge.compat.OpenAiJson.MAPPER;
import static io.modelbridge.compat.OpenAiJson.protocol;
import static io.modelbridge.compat.OpenAiJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.PromptRequest;
import io.modelbridge.spi.PromptResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * OpenAI's legacy completions on the wire ({@code POST /v1/completions}, DeepSeek's {@code /beta/completions}): the
 * request body, and the {@code text_completion} answer as SPI records. Its stream is read by
 * {@link OpenAiStreamParser}, which takes a choice's {@code text} where a chat chunk has {@code delta.content}.
 */
public final class PromptCodec {
    private PromptCodec() {}

    /** The body; a stream always asks for usage ({@code stream_options.include_usage}). */
    public static String request(PromptRequest request, boolean stream) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("model", request.model());
        body.put("prompt", request.prompt());
        if (request.suffix() != null) {
            body.put("suffix", request.suffix());
        }
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        OpenAiCodec.sampling(body, request.sampling(), "max_tokens");
        if (request.user() != null) {
            body.put("user", request.user());
        }
        OpenAiCodec.extras(body, request.extras());
        return body.toString();
    }

    /** A {@code text_completion}: each choice's text, logprobs (as plain JSON values) and finish reason. */
    public static PromptResponse response(String body, Function<String, FinishReason> finishReasons) {
        JsonNode root = OpenAiJson.parse(body).filter(JsonNode::isObject)
                .orElseThrow(() -> protocol("text completion is not a JSON object: " + UpstreamText.excerpt(body)));
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            throw protocol("text completion without choices");
        }
        List<PromptResponse.Choice> result = new ArrayList<>();
        for (JsonNode choice : choices) {
            JsonNode logprobs = choice.get("logprobs");
            result.add(new PromptResponse.Choice(choice.path("index").asInt(result.size()), text(choice, "text"),
                    logprobs == null || logprobs.isNull() ? null : MAPPER.convertValue(logprobs, Object.class),
                    finishReasons.apply(text(choice, "finish_reason"))));
        }
        return new PromptResponse(text(root, "id"), result, OpenAiResponses.usage(root.get("usage")));
    }
}
