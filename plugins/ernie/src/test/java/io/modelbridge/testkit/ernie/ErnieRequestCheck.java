package io.modelbridge.testkit.ernie;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * ERNIE's checks of a chat body, answered as error 336003/336104 with HTTP 200 like the vendor: an odd number of
 * messages alternating user (or function) and assistant, string contents, {@code system} a string, temperature in
 * (0, 1], top_p in [0, 1], penalty_score in [1, 2], max_output_tokens in [2, maxOutput].
 */
final class ErnieRequestCheck {
    private ErnieRequestCheck() {}

    /** An ERNIE error: code and message. */
    record Refusal(int code, String message) {}

    static Optional<Refusal> chat(JsonNode body, int maxOutput) {
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return invalid("the messages field is required and must not be empty");
        }
        if (messages.size() % 2 == 0) {
            return invalid("the length of messages must be an odd number");
        }
        for (int i = 0; i < messages.size(); i++) {
            Optional<Refusal> refusal = message(messages.get(i), i);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        if (body.has("system") && !body.get("system").isTextual()) {
            return Optional.of(new Refusal(336104, "system must be a string"));
        }
        return ranges(body, maxOutput);
    }

    private static Optional<Refusal> message(JsonNode message, int i) {
        String role = message.path("role").asText("");
        if (i % 2 == 0 && !role.equals("user") && !role.equals("function")) {
            return invalid("the role of message with even index in the messages must be user or function");
        }
        if (i % 2 == 1 && !role.equals("assistant")) {
            return invalid("the role of message with odd index in the messages must be assistant");
        }
        if (!message.path("content").isTextual()) {
            return invalid("the content of message must be a string");
        }
        if (role.equals("function") && message.path("name").asText("").isEmpty()) {
            return invalid("the name of a function message is required");
        }
        if (role.equals("user") && message.path("content").asText().isBlank()) {
            return invalid("the content of a user message must not be empty");
        }
        return Optional.empty();
    }

    private static Optional<Refusal> ranges(JsonNode body, int maxOutput) {
        if (body.has("temperature") && !within(body.get("temperature"), 0, false, 1)) {
            return invalid("temperature must be in (0, 1.0]");
        }
        if (body.has("top_p") && !within(body.get("top_p"), 0, true, 1)) {
            return invalid("top_p must be in [0, 1.0]");
        }
        if (body.has("penalty_score") && !within(body.get("penalty_score"), 1, true, 2)) {
            return invalid("penalty_score must be in [1.0, 2.0]");
        }
        if (body.has("max_output_tokens") && !within(body.get("max_output_tokens"), 2, true, maxOutput)) {
            return invalid("max_output_tokens must be in [2, " + maxOutput + "]");
        }
        if (body.has("stop") && !body.get("stop").isArray()) {
            return invalid("stop must be a list of strings");
        }
        return Optional.empty();
    }

    private static boolean within(JsonNode value, double low, boolean lowIncluded, double high) {
        if (!value.isNumber()) {
            return false;
        }
        double v = value.asDouble();
        return (lowIncluded ? v >= low : v > low) && v <= high;
    }

    private static Optional<Refusal> invalid(String message) {
        return Optional.of(new Refusal(336003, message));
    }
}
