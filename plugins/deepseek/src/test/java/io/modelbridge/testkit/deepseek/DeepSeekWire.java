package io.modelbridge.testkit.deepseek;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON shapes DeepSeek answers with (vendor-protocols.md section 2, DeepSeek docs "Create Chat Completion"). */
final class DeepSeekWire {
    private DeepSeekWire() {}

    /** DeepSeek's error body: OpenAI's envelope, {@code param} null, {@code code} mostly "invalid_request_error". */
    static String error(String message, String type) {
        ObjectNode body = DeepSeekSimulator.JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", type).putNull("param")
                .put("code", "invalid_request_error");
        return body.toString();
    }

    static String completion(String id, long created, String model, DeepSeekPlan plan, boolean cacheHit) {
        ObjectNode body = DeepSeekSimulator.JSON.createObjectNode().put("id", id).put("object", "chat.completion")
                .put("created", created).put("model", model).put("system_fingerprint", "fp_sim_ds");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (plan.toolCall() == null) {
            message.put("content", plan.text());
        } else {
            message.put("content", "");
            ObjectNode call = message.putArray("tool_calls").addObject().put("index", 0)
                    .put("id", plan.toolCall().id()).put("type", "function");
            call.putObject("function").put("name", plan.toolCall().name())
                    .put("arguments", plan.toolCall().arguments());
        }
        if (plan.reasoning() != null) {
            message.put("reasoning_content", plan.reasoning());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", plan.toolCall() == null ? "stop" : "tool_calls");
        body.set("usage", usage(plan, cacheHit));
        return body.toString();
    }

    /** Usage with DeepSeek's cache split ({@code hit + miss = prompt_tokens}) and the reasoning token count. */
    static ObjectNode usage(DeepSeekPlan plan, boolean cacheHit) {
        int hit = cacheHit ? plan.promptTokens() / 2 : 0;
        ObjectNode usage = DeepSeekSimulator.JSON.createObjectNode()
                .put("prompt_tokens", plan.promptTokens())
                .put("completion_tokens", plan.completionTokens())
                .put("total_tokens", plan.promptTokens() + plan.completionTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", hit);
        if (plan.reasoning() != null) {
            usage.putObject("completion_tokens_details").put("reasoning_tokens", plan.reasoningTokens());
        }
        usage.put("prompt_cache_hit_tokens", hit).put("prompt_cache_miss_tokens", plan.promptTokens() - hit);
        return usage;
    }

    /** A chunk envelope with choice 0 and its delta; returns the chunk. */
    static ObjectNode chunk(String id, long created, String model, String finishReason, boolean usageField) {
        ObjectNode chunk = DeepSeekSimulator.JSON.createObjectNode().put("id", id)
                .put("object", "chat.completion.chunk").put("created", created).put("model", model)
                .put("system_fingerprint", "fp_sim_ds");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (usageField) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    static ObjectNode delta(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0).get("delta");
    }

    static ObjectNode model(String id) {
        return DeepSeekSimulator.JSON.createObjectNode().put("id", id).put("object", "model").put("owned_by", "deepseek");
    }
}
