package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.UpstreamLimits;
import io.modelbridge.spi.Usage;

/** The usage a native Responses upstream reports in its response object, as billed. */
final class NativeResponsesUsage {
    private NativeResponsesUsage() {}

    /**
     * {@code usage.input_tokens}, {@code output_tokens}, {@code input_tokens_details.cached_tokens} and
     * {@code output_tokens_details.reasoning_tokens}; null when the response has no usage (the gateway counts).
     */
    static Usage of(JsonNode response) {
        JsonNode usage = response.path("usage");
        Integer input = tokens(usage.path("input_tokens"));
        Integer output = tokens(usage.path("output_tokens"));
        if (input == null || output == null) {
            return null;
        }
        return Usage.of(input, output, tokens(usage.path("input_tokens_details").path("cached_tokens")),
                tokens(usage.path("output_tokens_details").path("reasoning_tokens")));
    }

    /** The text of the response's output_text parts, to count when it reported no usage. */
    static String outputText(JsonNode response) {
        StringBuilder text = new StringBuilder();
        response.path("output").forEach(item -> item.path("content").forEach(part -> {
            if ("output_text".equals(part.path("type").asText())) {
                text.append(part.path("text").asText());
            }
        }));
        return text.toString();
    }

    private static Integer tokens(JsonNode count) {
        if (!count.isIntegralNumber()) {
            return null;
        }
        if (!count.canConvertToInt()) {
            throw UpstreamLimits.exceeded("a token count of " + count.asText());
        }
        return count.intValue();
    }
}
