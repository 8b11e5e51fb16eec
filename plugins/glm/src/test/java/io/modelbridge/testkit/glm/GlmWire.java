package io.modelbridge.testkit.glm;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON shapes Zhipu's v4 API answers with (vendor-protocols.md 6.5 to 6.8): no {@code object} field on chat
 * answers, numeric-looking string ids, a {@code request_id}, error bodies {@code {"error":{"code":"<string>","message"}}}.
 */
final class GlmWire {
    private GlmWire() {}

    static String error(String code, String message) {
        ObjectNode body = GlmSimulator.JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        return body.toString();
    }

    static String completion(String id, String requestId, long created, String model, GlmPlan plan, String finish) {
        ObjectNode body = GlmSimulator.JSON.createObjectNode()
                .put("created", created).put("id", id).put("model", model).put("request_id", requestId);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("finish_reason", finish).put("index", 0);
        ObjectNode message = choice.putObject("message");
        if (plan.toolCall() == null) {
            message.put("content", plan.text());
        } else {
            message.putNull("content");
            ObjectNode call = message.putArray("tool_calls").addObject();
            call.putObject("function").put("arguments", plan.toolCall().arguments()).put("name", plan.toolCall().name());
            call.put("id", plan.toolCall().id()).put("index", 0).put("type", "function");
        }
        message.put("role", "assistant");
        body.set("usage", usage(plan));
        return body.toString();
    }

    static ObjectNode usage(GlmPlan plan) {
        return GlmSimulator.JSON.createObjectNode()
                .put("completion_tokens", plan.completionTokens())
                .put("prompt_tokens", plan.promptTokens())
                .put("total_tokens", plan.promptTokens() + plan.completionTokens());
    }

    /** A stream chunk for choice 0; GLM repeats {@code delta.role} on every chunk. Returns the delta to fill. */
    static ObjectNode chunk(ObjectNode envelope, String finishReason) {
        ObjectNode choice = envelope.putArray("choices").addObject().put("index", 0);
        if (finishReason != null) {
            choice.put("finish_reason", finishReason);
        }
        return choice.putObject("delta").put("role", "assistant");
    }

    static ObjectNode envelope(String id, long created, String model) {
        return GlmSimulator.JSON.createObjectNode().put("id", id).put("created", created).put("model", model);
    }
}
