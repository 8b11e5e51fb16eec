package io.modelbridge.testkit.glm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * What the GLM simulator answers, derived only from the request so tests can predict it (the same rules as the
 * OpenAI simulator's): {@code "echo: " + last user text} (or a fixed reply), one word per chunk by default; a call of
 * the first offered function tool when the last message is the user's, with {@code {"<first property>": "<text>"}};
 * prompt tokens = words of all message texts, completion tokens = reply words (tool call: argument fragments of 8
 * characters).
 */
record GlmPlan(String text, ToolCallPlan toolCall, int promptTokens, int completionTokens) {

    record ToolCallPlan(String id, String name, String arguments) {
        List<String> fragments() {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < arguments.length(); i += 8) {
                parts.add(arguments.substring(i, Math.min(arguments.length(), i + 8)));
            }
            return parts;
        }
    }

    static GlmPlan of(JsonNode request, String fixedReply, String callId) {
        JsonNode messages = request.path("messages");
        String userText = lastUserText(messages);
        int prompt = 0;
        for (JsonNode message : messages) {
            prompt += words(textOf(message.path("content")));
        }
        ToolCallPlan call = toolCall(request, userText, callId);
        if (call != null) {
            return new GlmPlan(null, call, prompt, call.fragments().size());
        }
        String reply = fixedReply != null ? fixedReply : "echo: " + userText;
        return new GlmPlan(reply, null, prompt, words(reply));
    }

    List<String> textChunks(int wordsPerChunk) {
        List<String> chunks = new ArrayList<>();
        String[] pieces = text.split("(?= )");
        for (int i = 0; i < pieces.length; i += wordsPerChunk) {
            chunks.add(String.join("", Arrays.copyOfRange(pieces, i, Math.min(pieces.length, i + wordsPerChunk))));
        }
        return chunks;
    }

    private static ToolCallPlan toolCall(JsonNode request, String userText, String callId) {
        JsonNode messages = request.path("messages");
        boolean lastIsUser = !messages.isEmpty()
                && "user".equals(messages.get(messages.size() - 1).path("role").asText());
        JsonNode function = null;
        for (JsonNode tool : request.path("tools")) {
            if ("function".equals(tool.path("type").asText()) && function == null) {
                function = tool.path("function");
            }
        }
        if (function == null || !lastIsUser) {
            return null;
        }
        Iterator<String> properties = function.path("parameters").path("properties").fieldNames();
        String argument = properties.hasNext() ? properties.next() : "input";
        ObjectNode arguments = GlmSimulator.JSON.createObjectNode().put(argument, userText);
        return new ToolCallPlan(callId, function.path("name").asText(), arguments.toString());
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).path("role").asText())) {
                return textOf(messages.get(i).path("content"));
            }
        }
        return "";
    }

    static String textOf(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText())) {
                text.append(part.path("text").asText());
            }
        }
        return text.toString();
    }

    static int words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
