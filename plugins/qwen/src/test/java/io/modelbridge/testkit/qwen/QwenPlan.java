package io.modelbridge.testkit.qwen;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * What the DashScope simulator answers, derived only from the request so tests can predict it.
 *
 * <ul>
 *   <li>Text: {@code "echo: " + the last user message} (or the knob's fixed reply), streamed
 *       {@code wordsPerChunk} words per event.</li>
 *   <li>Reasoning, when {@code parameters.enable_thinking} is true: {@code "Thinking about: " + the last user
 *       message}, streamed word by word before the answer.</li>
 *   <li>Tool call: when {@code parameters.tools} is offered, tool_choice is not "none" and the last message is the
 *       user's: the chosen (else first) tool with {@code {"<first property>": "<last user text>"}}, in 8-character
 *       argument fragments.</li>
 *   <li>Usage: input tokens = words of all message texts; output tokens = words of reasoning plus answer, or
 *       reasoning words plus the number of argument fragments.</li>
 * </ul>
 */
record QwenPlan(String reasoning, String text, ToolCallPlan toolCall, int inputTokens) {

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

    static QwenPlan of(JsonNode request, String fixedReply) {
        JsonNode messages = request.path("input").path("messages");
        String userText = lastUserText(messages);
        int input = 0;
        for (JsonNode message : messages) {
            input += words(message.path("content").asText(""));
        }
        JsonNode parameters = request.path("parameters");
        String reasoning = parameters.path("enable_thinking").asBoolean(false) ? "Thinking about: " + userText : null;
        ToolCallPlan call = toolCall(parameters, messages, userText);
        String text = call != null ? null : fixedReply != null ? fixedReply : "echo: " + userText;
        return new QwenPlan(reasoning, text, call, input);
    }

    int reasoningTokens() {
        return reasoning == null ? 0 : words(reasoning);
    }

    int outputTokens() {
        return reasoningTokens() + (toolCall != null ? toolCall.fragments().size() : words(text));
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

    private static ToolCallPlan toolCall(JsonNode parameters, JsonNode messages, String userText) {
        JsonNode tools = parameters.path("tools");
        boolean lastIsUser = !messages.isEmpty()
                && "user".equals(messages.get(messages.size() - 1).path("role").asText());
        if (!tools.isArray() || tools.isEmpty() || "none".equals(parameters.path("tool_choice").asText())
                || !lastIsUser) {
            return null;
        }
        JsonNode function = tools.get(0).path("function");
        String wanted = parameters.path("tool_choice").path("function").path("name").asText(null);
        for (JsonNode tool : tools) {
            if (tool.path("function").path("name").asText().equals(wanted)) {
                function = tool.path("function");
            }
        }
        Iterator<String> properties = function.path("parameters").path("properties").fieldNames();
        String argument = properties.hasNext() ? properties.next() : "input";
        String arguments = QwenSimulator.JSON.createObjectNode().put(argument, userText).toString();
        return new ToolCallPlan("call_sim_dashscope_0", function.path("name").asText(), arguments);
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
