package io.modelbridge.testkit.ernie;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON shapes ERNIE's classic API answers with (vendor-protocols.md 3.1, 3.4, 3.5, 3.7, 3.8). */
final class ErnieWire {
    static final String FLAGGED_REPLY = "I cannot discuss this topic. Let us talk about something else.";

    private ErnieWire() {}

    static String error(int code, String message, String id) {
        ObjectNode body = ErnieSimulator.JSON.createObjectNode().put("error_code", code).put("error_msg", message);
        if (id != null) {
            body.put("id", id);
        }
        return body.toString();
    }

    static String oauthError(String error, String description) {
        return ErnieSimulator.JSON.createObjectNode().put("error", error).put("error_description", description)
                .toString();
    }

    static String token(String token, long expiresIn) {
        return ErnieSimulator.JSON.createObjectNode()
                .put("refresh_token", "25." + token.substring(3))
                .put("expires_in", expiresIn)
                .put("session_key", "9mzdsimsessionkey==")
                .put("access_token", token)
                .put("scope", "public ai_custom_yiyan_com ai_custom_yiyan_com_eb_instant wise_adapt")
                .put("session_secret", "6a29simsessionsecret")
                .toString();
    }

    /** The envelope every chat answer and stream event has. */
    static ObjectNode envelope(String id, long created) {
        return ErnieSimulator.JSON.createObjectNode().put("id", id).put("object", "chat.completion")
                .put("created", created);
    }

    static ObjectNode usage(int prompt, int completion) {
        return ErnieSimulator.JSON.createObjectNode().put("prompt_tokens", prompt)
                .put("completion_tokens", completion).put("total_tokens", prompt + completion);
    }

    /** A whole (non-stream) answer. */
    static String completion(String id, long created, ErniePlan plan) {
        ObjectNode body = envelope(id, created);
        body.put("result", plan.call() == null ? plan.text() : "")
                .put("is_truncated", false).put("need_clear_history", false)
                .put("finish_reason", plan.call() == null ? "normal" : "function_call");
        if (plan.call() != null) {
            body.set("function_call", functionCall(plan.call()));
        }
        body.set("usage", usage(plan.promptTokens(), plan.completionTokens()));
        return body.toString();
    }

    /** The safety system's answer: HTTP 200, a canned reply, need_clear_history and the flagged round. */
    static ObjectNode flagged(String id, long created, int promptTokens, boolean stream) {
        ObjectNode body = envelope(id, created);
        if (stream) {
            body.put("sentence_id", 0).put("is_end", true);
        }
        body.put("result", FLAGGED_REPLY).put("is_truncated", false).put("need_clear_history", true)
                .put("ban_round", -1).put("finish_reason", "content_filter");
        body.set("usage", usage(promptTokens, 0));
        return body;
    }

    static ObjectNode functionCall(ErniePlan.Call call) {
        return ErnieSimulator.JSON.createObjectNode().put("name", call.name())
                .put("thoughts", "The user asks something the function " + call.name() + " can answer.")
                .put("arguments", call.arguments());
    }
}
