package io.modelbridge.provider.spark;

import static io.modelbridge.provider.spark.SparkJson.MAPPER;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import java.util.Map;

/** An SPI chat request as Spark's one request frame: {@code header}, {@code parameter.chat}, {@code payload}. */
final class SparkCodec {
    private SparkCodec() {}

    static String requestFrame(ChatRequest request, SparkModel model, String appId) {
        ObjectNode frame = MAPPER.createObjectNode();
        ObjectNode header = frame.putObject("header").put("app_id", appId);
        if (request.user() != null && !request.user().isBlank()) {
            header.put("uid", SparkParameters.uid(request.user()));
        }
        ObjectNode chat = frame.putObject("parameter").putObject("chat").put("domain", model.domain());
        SparkParameters.chat(chat, request.sampling(), request.extras(), model);
        ObjectNode payload = frame.putObject("payload");
        payload.putObject("message").set("text", SparkMessages.text(request.messages(), model));
        if (offersFunctions(request, model)) {
            ArrayNode functions = payload.putObject("functions").putArray("text");
            request.tools().forEach(t -> functions.add(function(t)));
        }
        return frame.toString();
    }

    /**
     * Whether {@code payload.functions} is sent. {@code tool_choice: none} keeps the tools from the model; Spark
     * has no way to force a call, so {@code required} and a named function are refused.
     */
    private static boolean offersFunctions(ChatRequest request, SparkModel model) {
        ToolChoice choice = request.toolChoice();
        String mode = choice == null ? "auto" : choice.mode();
        if (request.tools().isEmpty() || "none".equals(mode)) {
            return false;
        }
        if (!model.functions()) {
            throw SparkParameters.refused("tools", model.name() + " has no function calling");
        }
        if (!"auto".equals(mode)) {
            throw SparkParameters.refused("tool_choice", "Spark decides itself whether to call a function ('auto' only)");
        }
        return true;
    }

    private static ObjectNode function(ToolDefinition tool) {
        ObjectNode node = MAPPER.createObjectNode().put("name", tool.name());
        if (tool.description() != null) {
            node.put("description", tool.description());
        }
        Map<String, Object> parameters = tool.parameters().isEmpty()
                ? Map.of("type", "object", "properties", Map.of())
                : tool.parameters();
        node.set("parameters", MAPPER.valueToTree(parameters));
        return node;
    }
}
