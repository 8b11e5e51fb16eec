package io.modelbridge.testkit.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What the simulator answers to a chat request, derived only from the request so tests can predict it.
 *
 * <ul>
 *   <li>Text: {@code "echo: " + the text of the last user message} (or the knob's fixed reply), cut into chunks of
 *       {@code wordsPerChunk} words, each chunk keeping its leading space.</li>
 *   <li>Tool call: when the request offers tools, tool_choice is not "none" and the last message is from the user,
 *       it calls the chosen tool (tool_choice's function, else the first tool) with arguments
 *       {@code {"<first schema property, or input>": "<last user text>"}}, streamed in 8-character fragments.</li>
 *   <li>Usage: prompt tokens = whitespace-separated words of all message texts; completion tokens = words of the
 *       reply text, or the number of argument fragments for a tool call.</li>
 * </ul>
 */
record ChatPlan(String text, ToolCallPlan toolCall, int promptTokens, int completionTokens) {

    /** The tool call the simulator makes: id, function name, argument JSON. */
    record ToolCallPlan(String id, String name, String arguments) {
        List<String> fragments() {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < arguments.length(); i += 8) {
                parts.add(arguments.substring(i, Math.min(arguments.length(), i + 8)));
            }
            return parts;
        }
    }

    static ChatPlan of(JsonNode request, String fixedReply) {
        String userText = lastUserText(request.path("messages"));
        int prompt = 0;
        for (JsonNode message : request.path("messages")) {
            prompt += words(textOf(message.path("content")));
        }
        ToolCallPlan call = toolCall(request, userText);
        if (call != null) {
            return new ChatPlan(null, call, prompt, call.fragments().size());
        }
        String reply = fixedReply != null ? fixedReply : "echo: " + userText;
        return new ChatPlan(reply, null, prompt, words(reply));
    }

    /** The reply text cut into chunks of {@code wordsPerChunk} words; concatenated they give {@link #text()}. */
    List<String> textChunks(int wordsPerChunk) {
        List<String> chunks = new ArrayList<>();
        String[] pieces = text.split("(?= )");
        for (int i = 0; i < pieces.length; i += wordsPerChunk) {
            chunks.add(String.join("", java.util.Arrays.copyOfRange(pieces, i, Math.min(pieces.length, i + wordsPerChunk))));
        }
        return chunks;
    }

    private static ToolCallPlan toolCall(JsonNode request, String userText) {
        JsonNode tools = request.path("tools");
        JsonNode choice = request.path("tool_choice");
        JsonNode messages = request.path("messages");
        boolean lastIsUser = messages.size() > 0 && "user".equals(messages.get(messages.size() - 1).path("role").asText());
        if (!tools.isArray() || tools.isEmpty() || "none".equals(choice.asText()) || !lastIsUser) {
            return null;
        }
        JsonNode function = tools.get(0).path("function");
        String wanted = choice.path("function").path("name").asText(null);
        for (JsonNode tool : tools) {
            if (tool.path("function").path("name").asText().equals(wanted)) {
                function = tool.path("function");
            }
        }
        Iterator<String> properties = function.path("parameters").path("properties").fieldNames();
        String argument = properties.hasNext() ? properties.next() : "input";
        ObjectNode arguments = OpenAiSimulator.JSON.createObjectNode().put(argument, userText);
        return new ToolCallPlan("call_sim_1", function.path("name").asText(), arguments.toString());
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).path("role").asText())) {
                return textOf(messages.get(i).path("content"));
            }
        }
        return "";
    }

    /** A string content, or the text parts of a parts array joined. */
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
