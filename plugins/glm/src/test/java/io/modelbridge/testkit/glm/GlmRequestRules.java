package io.modelbridge.testkit.glm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Set;

/**
 * The request checks Zhipu documents for v4 chat and embeddings, answered with its codes: 1213 (field missing),
 * 1214 (field invalid), 1211 (unknown model), 1212 (model does not support the call). Ranges: temperature and
 * top_p in [0, 1], one stop word, user_id 6 to 128 characters, tool_choice only "auto"; embedding-3 dimensions
 * 256/512/1024/2048, embedding-2 fixed at 1024, at most 64 inputs.
 */
final class GlmRequestRules {
    /** A refusal: HTTP status, Zhipu code, message. */
    record Violation(int status, String code, String message) {}

    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");
    private static final Set<String> TOOL_TYPES = Set.of("function", "retrieval", "web_search");
    private static final Set<Integer> EMBEDDING_3_DIMENSIONS = Set.of(256, 512, 1024, 2048);
    static final int MAX_EMBEDDING_INPUTS = 64;

    private final Set<String> chatModels;
    private final Set<String> embeddingModels;

    GlmRequestRules(Set<String> chatModels, Set<String> embeddingModels) {
        this.chatModels = Set.copyOf(chatModels);
        this.embeddingModels = Set.copyOf(embeddingModels);
    }

    Optional<Violation> chat(JsonNode r) {
        Optional<Violation> model = model(r, chatModels, embeddingModels, "chat");
        if (model.isPresent()) {
            return model;
        }
        JsonNode messages = r.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return invalid("messages");
        }
        for (JsonNode m : messages) {
            if (!ROLES.contains(m.path("role").asText())) {
                return invalid("messages.role");
            }
            boolean hasContent = m.hasNonNull("content");
            if (!hasContent && !("assistant".equals(m.path("role").asText()) && m.path("tool_calls").isArray())) {
                return invalid("messages.content");
            }
            if ("tool".equals(m.path("role").asText()) && !m.path("tool_call_id").isTextual()) {
                return missing("tool_call_id");
            }
        }
        if (!inUnitRange(r.get("temperature"))) {
            return invalid("temperature");
        }
        if (!inUnitRange(r.get("top_p"))) {
            return invalid("top_p");
        }
        if (r.has("max_tokens") && r.path("max_tokens").asInt(0) < 1) {
            return invalid("max_tokens");
        }
        if (r.has("stop") && (!r.path("stop").isArray() || r.path("stop").size() > 1)) {
            return invalid("stop");
        }
        int userId = r.path("user_id").asText("").length();
        if (r.has("user_id") && (userId < 6 || userId > 128)) {
            return invalid("user_id");
        }
        if (r.has("tool_choice") && !"auto".equals(r.path("tool_choice").asText())) {
            return invalid("tool_choice");
        }
        for (JsonNode tool : r.path("tools")) {
            String type = tool.path("type").asText();
            if (!TOOL_TYPES.contains(type) || ("function".equals(type) && !tool.path("function").path("name").isTextual())) {
                return invalid("tools");
            }
        }
        return Optional.empty();
    }

    Optional<Violation> embeddings(JsonNode r) {
        Optional<Violation> model = model(r, embeddingModels, chatModels, "embeddings");
        if (model.isPresent()) {
            return model;
        }
        JsonNode input = r.path("input");
        boolean textList = input.isArray() && !input.isEmpty() && input.size() <= MAX_EMBEDDING_INPUTS;
        for (JsonNode item : input) {
            textList &= item.isTextual() && !item.asText().isEmpty();
        }
        if (!(input.isTextual() && !input.asText().isEmpty()) && !textList) {
            return invalid("input");
        }
        if (r.has("dimensions")) {
            int dims = r.path("dimensions").asInt(-1);
            String name = r.path("model").asText();
            boolean ok = name.equals("embedding-2") ? dims == 1024
                    : !name.equals("embedding-3") || EMBEDDING_3_DIMENSIONS.contains(dims);
            if (!ok) {
                return invalid("dimensions");
            }
        }
        return Optional.empty();
    }

    private static Optional<Violation> model(JsonNode r, Set<String> served, Set<String> others, String method) {
        String name = r.path("model").asText("");
        if (name.isEmpty()) {
            return missing("model");
        }
        if (others.contains(name)) {
            return Optional.of(new Violation(400, "1212", "当前模型不支持 " + method + " 调用方式"));
        }
        if (!served.contains(name)) {
            return Optional.of(new Violation(400, "1211", "模型不存在，请检查模型代码"));
        }
        return Optional.empty();
    }

    private static boolean inUnitRange(JsonNode value) {
        return value == null || value.isNull() || (value.isNumber() && value.asDouble() >= 0 && value.asDouble() <= 1);
    }

    private static Optional<Violation> missing(String field) {
        return Optional.of(new Violation(400, "1213", "未正常接收到 " + field + " 参数"));
    }

    private static Optional<Violation> invalid(String field) {
        return Optional.of(new Violation(400, "1214", field + " 参数非法。请检查文档"));
    }
}
