package io.modelbridge.testkit.ernie;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * What the simulator answers to a chat request, derived only from the request so tests can predict it.
 *
 * <ul>
 *   <li>Text: {@code "echo: " + the last user message} (or the knob's fixed reply), streamed as "sentences" of
 *       {@code wordsPerChunk} words, each keeping its leading space.</li>
 *   <li>Function call: when the request has {@code functions} and the last message is the user's, it calls the
 *       function named by {@code tool_choice}, else the first one, with {@code {"<first schema property, or
 *       input>": "<last user text>"}}.</li>
 *   <li>Usage: prompt tokens = whitespace-separated words of {@code system} and every message; completion tokens =
 *       words of the reply, or for a function call the arguments' length in 8-character units.</li>
 * </ul>
 */
record ErniePlan(String text, Call call, int promptTokens, int completionTokens) {

    /** The function the simulator calls. */
    record Call(String name, String arguments) {}

    static ErniePlan of(JsonNode request, String fixedReply) {
        JsonNode messages = request.path("messages");
        int prompt = words(request.path("system").asText(""));
        for (JsonNode message : messages) {
            prompt += words(message.path("content").asText(""));
        }
        String userText = lastUserText(messages);
        Call call = call(request, userText);
        if (call != null) {
            return new ErniePlan(null, call, prompt, Math.max(1, (call.arguments().length() + 7) / 8));
        }
        String reply = fixedReply != null ? fixedReply : "echo: " + userText;
        return new ErniePlan(reply, null, prompt, Math.max(1, words(reply)));
    }

    /** The reply cut into sentences of {@code wordsPerChunk} words; concatenated they give {@link #text()}. */
    List<String> sentences(int wordsPerChunk) {
        List<String> chunks = new ArrayList<>();
        String[] pieces = text.split("(?= )");
        for (int i = 0; i < pieces.length; i += wordsPerChunk) {
            chunks.add(String.join("", Arrays.copyOfRange(pieces, i, Math.min(pieces.length, i + wordsPerChunk))));
        }
        return chunks;
    }

    private static Call call(JsonNode request, String userText) {
        JsonNode functions = request.path("functions");
        JsonNode messages = request.path("messages");
        boolean lastIsUser = messages.size() > 0
                && "user".equals(messages.get(messages.size() - 1).path("role").asText());
        if (!functions.isArray() || functions.isEmpty() || !lastIsUser) {
            return null;
        }
        JsonNode function = functions.get(0);
        String wanted = request.path("tool_choice").path("function").path("name").asText(null);
        for (JsonNode f : functions) {
            if (f.path("name").asText().equals(wanted)) {
                function = f;
            }
        }
        Iterator<String> properties = function.path("parameters").path("properties").fieldNames();
        String argument = properties.hasNext() ? properties.next() : "input";
        String arguments = ErnieSimulator.JSON.createObjectNode().put(argument, userText).toString();
        return new Call(function.path("name").asText(), arguments);
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
