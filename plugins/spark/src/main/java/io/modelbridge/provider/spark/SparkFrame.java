package io.modelbridge.provider.spark;

import static io.modelbridge.provider.spark.SparkJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.Usage;

/**
 * One response frame (vendor-protocols.md 5.5): {@code header.status} 0 (first), 1 (more) or 2 (last), incremental
 * text in {@code payload.choices.text[0]}, a function call there, and usage on the last frame.
 *
 * @param call  the function call the frame carries, or null
 * @param usage {@code payload.usage.text}, or null when the frame has none
 */
record SparkFrame(int status, String sid, String content, String reasoning, FunctionCall call, Usage usage) {

    record FunctionCall(String name, String arguments) {}

    boolean last() {
        return status == 2;
    }

    /**
     * Reads a frame; any {@code header.code} other than 0 is thrown as the classified failure, whatever its status
     * (an error frame ends the exchange).
     */
    static SparkFrame parse(String json, SparkCredential credential) {
        JsonNode frame = SparkJson.object(json).orElseThrow(() -> SparkErrors.protocol(
                "Spark sent a frame that is not a JSON object: " + excerpt(json)));
        JsonNode header = frame.path("header");
        int code = header.path("code").asInt(-1);
        String sid = text(header, "sid");
        if (code != 0) {
            if (code == -1 && !header.has("code")) {
                throw SparkErrors.protocol("Spark sent a frame without header.code: " + excerpt(json));
            }
            throw SparkErrors.fromFrame(code, text(header, "message"), sid, credential);
        }
        JsonNode choices = frame.path("payload").path("choices");
        int status = header.has("status") ? header.path("status").asInt() : choices.path("status").asInt(-1);
        if (status < 0 || status > 2) {
            throw SparkErrors.protocol("Spark sent a frame without a status 0, 1 or 2: " + excerpt(json));
        }
        JsonNode item = choices.path("text").path(0);
        return new SparkFrame(status, sid, text(item, "content"), text(item, "reasoning_content"), call(item),
                usage(frame.path("payload").path("usage").path("text")));
    }

    private static FunctionCall call(JsonNode item) {
        JsonNode call = item.path("function_call");
        if (!call.isObject() || text(call, "name").isEmpty()) {
            return null;
        }
        JsonNode arguments = call.path("arguments");
        return new FunctionCall(text(call, "name"), arguments.isTextual() ? arguments.asText()
                : arguments.isMissingNode() || arguments.isNull() ? "{}" : arguments.toString());
    }

    private static Usage usage(JsonNode text) {
        if (!text.isObject()) {
            return null;
        }
        int prompt = SparkJson.tokens(text, "prompt_tokens", 0);
        int completion = SparkJson.tokens(text, "completion_tokens", 0);
        return new Usage(prompt, completion, SparkJson.totalTokens(text, "total_tokens", prompt + completion));
    }

    private static String excerpt(String json) {
        String flat = json.replaceAll("\\s+", " ").strip();
        return flat.length() > 120 ? flat.substring(0, 120) + "..." : flat;
    }
}
