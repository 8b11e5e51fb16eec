package io.modelbridge.testkit.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.SimulatorKnobs.ScriptedError;

/** The JSON shapes OpenAI answers with (vendor-protocols.md section 1.4 to 1.7). */
final class OpenAiWire {
    private static final long MODEL_CREATED = 1715367049L;

    private OpenAiWire() {}

    static String error(ScriptedError error) {
        return error(error.message(), error.type(), null, error.code());
    }

    static String error(String message, String type, String param, String code) {
        ObjectNode body = OpenAiSimulator.JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", type).put("param", param).put("code", code);
        return body.toString();
    }

    static String completion(String id, long created, String model, ChatPlan plan) {
        ObjectNode body = OpenAiSimulator.JSON.createObjectNode()
                .put("id", id).put("object", "chat.completion").put("created", created).put("model", model)
                .put("system_fingerprint", "fp_sim");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (plan.toolCall() == null) {
            message.put("content", plan.text());
        } else {
            message.putNull("content");
            ObjectNode call = message.putArray("tool_calls").addObject()
                    .put("id", plan.toolCall().id()).put("type", "function");
            call.putObject("function").put("name", plan.toolCall().name()).put("arguments", plan.toolCall().arguments());
        }
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", plan.toolCall() == null ? "stop" : "tool_calls");
        body.set("usage", usage(plan));
        return body.toString();
    }

    static ObjectNode usage(ChatPlan plan) {
        ObjectNode usage = OpenAiSimulator.JSON.createObjectNode()
                .put("prompt_tokens", plan.promptTokens())
                .put("completion_tokens", plan.completionTokens())
                .put("total_tokens", plan.promptTokens() + plan.completionTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return usage;
    }

    /** A chunk envelope; {@code choices} is filled by the caller. */
    static ObjectNode chunk(String id, long created, String model) {
        return OpenAiSimulator.JSON.createObjectNode()
                .put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model)
                .put("system_fingerprint", "fp_sim");
    }

    /** Adds choice 0 with {@code delta} and returns the delta to fill. */
    static ObjectNode choice(ObjectNode chunk, String finishReason) {
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return delta;
    }

    static ObjectNode model(String id) {
        return OpenAiSimulator.JSON.createObjectNode()
                .put("id", id).put("object", "model").put("created", MODEL_CREATED).put("owned_by", "system");
    }
}
