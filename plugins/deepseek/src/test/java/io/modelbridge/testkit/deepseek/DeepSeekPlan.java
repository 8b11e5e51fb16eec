package io.modelbridge.testkit.deepseek;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * What the DeepSeek simulator answers, derived only from the request so tests can predict it.
 *
 * <ul>
 *   <li>Text: {@code "echo: " + the last user message} (or the knob's fixed reply), in chunks of
 *       {@code wordsPerChunk} words that keep their leading space.</li>
 *   <li>Reasoning ({@code deepseek-reasoner} only): {@code "Thinking about: " + the last user message}, streamed
 *       before the answer, word by word.</li>
 *   <li>Tool call: when tools are offered, tool_choice is not "none" and the last message is the user's: a call of
 *       the chosen (else first) tool with {@code {"<first property>": "<last user text>"}}, in 8-character
 *       argument fragments.</li>
 *   <li>Usage: prompt tokens = words of all message texts; completion = words of reasoning plus answer, or the
 *       number of argument fragments (plus reasoning words) for a tool call.</li>
 * </ul>
 */
record DeepSeekPlan(String reasoning, String text, ToolCallPlan toolCall, int promptTokens, int completionTokens,
                    int reasoningTokens) {

    /** The call the simulator makes. */
    record ToolCallPlan(String id, String name, String arguments) {
        List<String> fragments() {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < arguments.length(); i += 8) {
                parts.add(arguments.substring(i, Math.min(arguments.length(), i + 8)));
            }
            return parts;
        }
    }

    static DeepSeekPlan of(JsonNode request, String fixedReply) {
        JsonNode messages = request.path("messages");
        String userText = lastUserText(messages);
        int prompt = 0;
        for (JsonNode message : messages) {
            prompt += words(message.path("content").asText(""));
        }
        boolean reasoner = request.path("model").asText().contains("reasoner");
        String reasoning = reasoner ? "Thinking about: " + userText : null;
        int reasoningTokens = reasoner ? words(reasoning) : 0;
        ToolCallPlan call = toolCall(request, userText);
        if (call != null) {
            return new DeepSeekPlan(reasoning, null, call, prompt, reasoningTokens + call.fragments().size(),
                    reasoningTokens);
        }
        String text = fixedReply != null ? fixedReply : "echo: " + userText;
        return new DeepSeekPlan(reasoning, text, null, prompt, reasoningTokens + words(text), reasoningTokens);
    }

    /** {@code text} cut into chunks of {@code wordsPerChunk} words; concatenated they give the text back. */
    static List<String> chunks(String text, int wordsPerChunk) {
        List<String> chunks = new ArrayList<>();
        String[] pieces = text.split("(?= )");
        for (int i = 0; i < pieces.length; i += wordsPerChunk) {
            chunks.add(String.join("", Arrays.copyOfRange(pieces, i, Math.min(pieces.length, i + wordsPerChunk))));
        }
        return chunks;
    }

    private static ToolCallPlan toolCall(JsonNode request, String userText) {
        JsonNode tools = request.path("tools");
        JsonNode messages = request.path("messages");
        boolean lastIsUser = !messages.isEmpty()
                && "user".equals(messages.get(messages.size() - 1).path("role").asText());
        if (!tools.isArray() || tools.isEmpty() || "none".equals(request.path("tool_choice").asText()) || !lastIsUser) {
            return null;
        }
        JsonNode function = tools.get(0).path("function");
        String wanted = request.path("tool_choice").path("function").path("name").asText(null);
        for (JsonNode tool : tools) {
            if (tool.path("function").path("name").asText().equals(wanted)) {
                function = tool.path("function");
            }
        }
        Iterator<String> properties = function.path("parameters").path("properties").fieldNames();
        String argument = properties.hasNext() ? properties.next() : "input";
        String arguments = DeepSeekSimulator.JSON.createObjectNode().put(argument, userText).toString();
        return new ToolCallPlan("call_0_sim", function.path("name").asText(), arguments);
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).path("role").asText())) {
                return messages.get(i).path("content").asText("");
            }
        }
        return "";
    }

    static int words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
