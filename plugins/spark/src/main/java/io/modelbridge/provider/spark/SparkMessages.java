package io.modelbridge.provider.spark;

import static io.modelbridge.provider.spark.SparkJson.MAPPER;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI messages onto {@code payload.message.text}: string contents with roles {@code system}, {@code user},
 * {@code assistant}. Spark's WebSocket API has no tool-call history, so an assistant's tool calls and the
 * {@code tool} answers are written out as text (docs/vendors/spark.md, "Request mapping").
 */
final class SparkMessages {
    /** What an assistant says after a system prompt turned into a user turn (as new-api does for such models). */
    static final String SYSTEM_ACK = "Okay.";

    private SparkMessages() {}

    static ArrayNode text(List<Message> messages, SparkModel model) {
        List<String> system = new ArrayList<>();
        List<String[]> turns = new ArrayList<>();
        Map<String, String> callNames = new HashMap<>();
        for (Message m : messages) {
            if (!m.isTextOnly()) {
                throw SparkParameters.refused("messages", "Spark chat takes text only (no images, audio or files)");
            }
            switch (m.role()) {
                case "system", "developer" -> system.add(m.text());
                case "user" -> turns.add(new String[] {"user", m.text()});
                case "assistant" -> turns.add(new String[] {"assistant", assistant(m, callNames)});
                case "tool" -> turns.add(new String[] {"user", toolResult(m, callNames)});
                default -> throw SparkParameters.refused("messages", "unknown role '" + m.role() + "'");
            }
        }
        ArrayNode text = MAPPER.createArrayNode();
        if (!system.isEmpty()) {
            String prompt = String.join("\n\n", system);
            if (model.system()) {
                add(text, "system", prompt);
            } else {
                add(text, "user", prompt);
                add(text, "assistant", SYSTEM_ACK);
            }
        }
        turns.forEach(t -> add(text, t[0], t[1]));
        return text;
    }

    private static String assistant(Message m, Map<String, String> callNames) {
        StringBuilder text = new StringBuilder(m.text());
        for (ToolCall call : m.toolCalls()) {
            callNames.put(call.id(), call.name());
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append("[function call] ").append(call.name()).append(' ').append(call.arguments());
        }
        return text.toString();
    }

    private static String toolResult(Message m, Map<String, String> callNames) {
        String name = m.toolCallId() == null ? null : callNames.get(m.toolCallId());
        return "[function result] " + (name != null ? name : m.name() != null ? m.name() : "function") + ": " + m.text();
    }

    private static void add(ArrayNode text, String role, String content) {
        text.addObject().put("role", role).put("content", content);
    }
}
