package io.modelbridge.testkit.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Set;

/**
 * The simulator's checks of a request frame. iFlytek does not publish which code answers which mistake, so each is
 * answered with the documented code that fits it: 11200 (AppIdNoAuthError) for an APPID the signing APIKey does not
 * belong to, 10163 (engine schema check failed) for a field outside its documented range or a feature the domain
 * lacks (docs/vendors/spark.md).
 */
final class SparkRules {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private SparkRules() {}

    static Optional<SparkPlan.Refusal> check(JsonNode frame, SparkEndpoint endpoint, String appId) {
        JsonNode header = frame.path("header");
        if (!appId.equals(header.path("app_id").asText())) {
            return Optional.of(new SparkPlan.Refusal(11200, "AppIdNoAuthError:(11200)auth no license: app_id '"
                    + header.path("app_id").asText() + "' does not own this APIKey"));
        }
        if (header.path("uid").asText("").length() > 32) {
            return invalid("$.header.uid: length must be <= 32");
        }
        JsonNode chat = frame.path("parameter").path("chat");
        if (!endpoint.domain().equals(chat.path("domain").asText())) {
            return invalid("$.parameter.chat.domain: '" + chat.path("domain").asText() + "' is not served at "
                    + endpoint.path() + " (expected '" + endpoint.domain() + "')");
        }
        Optional<SparkPlan.Refusal> ranges = ranges(chat, endpoint);
        return ranges.isPresent() ? ranges : messages(frame.path("payload"), endpoint);
    }

    private static Optional<SparkPlan.Refusal> ranges(JsonNode chat, SparkEndpoint endpoint) {
        JsonNode t = chat.path("temperature");
        if (!t.isMissingNode() && (!t.isNumber() || t.asDouble() <= 0 || t.asDouble() > 1)) {
            return invalid("$.parameter.chat.temperature: must be in (0,1], got " + t);
        }
        JsonNode max = chat.path("max_tokens");
        if (!max.isMissingNode() && (!max.canConvertToInt() || !max.isIntegralNumber()
                || max.asInt() < 1 || max.asInt() > endpoint.maxTokens())) {
            return invalid("$.parameter.chat.max_tokens: must be in [1," + endpoint.maxTokens() + "], got " + max);
        }
        JsonNode topK = chat.path("top_k");
        if (!topK.isMissingNode() && (!topK.isIntegralNumber() || topK.asInt() < 1 || topK.asInt() > 6)) {
            return invalid("$.parameter.chat.top_k: must be in [1,6], got " + topK);
        }
        return Optional.empty();
    }

    private static Optional<SparkPlan.Refusal> messages(JsonNode payload, SparkEndpoint endpoint) {
        JsonNode text = payload.path("message").path("text");
        if (!text.isArray() || text.isEmpty()) {
            return invalid("$.payload.message.text: must be a non-empty array");
        }
        for (JsonNode m : text) {
            String role = m.path("role").asText();
            if (!ROLES.contains(role) || !m.path("content").isTextual()) {
                return invalid("$.payload.message.text: role must be system, user or assistant with string content");
            }
            if ("system".equals(role) && !endpoint.system()) {
                return invalid("$.payload.message.text: domain " + endpoint.domain() + " does not support role system");
            }
        }
        JsonNode functions = payload.path("functions");
        if (!functions.isMissingNode() && !endpoint.functions()) {
            return invalid("$.payload.functions: domain " + endpoint.domain() + " does not support functions");
        }
        return Optional.empty();
    }

    private static Optional<SparkPlan.Refusal> invalid(String detail) {
        return Optional.of(new SparkPlan.Refusal(10163, "InvalidParameter: 请求引擎的参数异常 " + detail));
    }
}
