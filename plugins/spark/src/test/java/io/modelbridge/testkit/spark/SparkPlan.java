package io.modelbridge.testkit.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the simulator answers to one request frame: an error (code and message, as Spark would refuse it), or a
 * reply. The reply echoes the last user message ({@code echo: <text>}, or the configured reply text) in chunks of
 * words; when functions are offered on the first turn (no assistant message yet) it calls the first function,
 * every required argument set to the last user text. Tokens are counted as words, and CJK characters one each.
 */
record SparkPlan(Optional<Refusal> refusal, List<String> chunks, FunctionCall call, SparkWire.Usage usage) {

    /** A frame Spark refuses with this code. */
    record Refusal(int code, String message) {}

    record FunctionCall(String name, String arguments) {}

    private static final Pattern TOKEN = Pattern.compile("[\\p{IsHan}]|[^\\s\\p{IsHan}]+");
    private static final Pattern CHUNK = Pattern.compile("\\S+\\s*");

    static SparkPlan refuse(int code, String message) {
        return new SparkPlan(Optional.of(new Refusal(code, message)), List.of(), null, null);
    }

    /**
     * @param appId     the APPID the signing APIKey belongs to
     * @param replyText a fixed reply, or null for the echo
     */
    static SparkPlan of(JsonNode frame, SparkEndpoint endpoint, String appId, String replyText, int wordsPerChunk) {
        Optional<Refusal> invalid = SparkRules.check(frame, endpoint, appId);
        if (invalid.isPresent()) {
            return new SparkPlan(invalid, List.of(), null, null);
        }
        JsonNode text = frame.path("payload").path("message").path("text");
        int prompt = 0;
        String lastUser = "";
        boolean answered = false;
        for (JsonNode m : text) {
            prompt += tokens(m.path("content").asText());
            lastUser = "user".equals(m.path("role").asText()) ? m.path("content").asText() : lastUser;
            answered |= "assistant".equals(m.path("role").asText());
        }
        if (prompt > endpoint.context()) {
            return refuse(10907, "token数量超过上限。对话历史+问题的字数太多，需要精简输入");
        }
        JsonNode functions = frame.path("payload").path("functions").path("text");
        if (functions.isArray() && !functions.isEmpty() && !answered) {
            FunctionCall call = call(functions.get(0), lastUser);
            return new SparkPlan(Optional.empty(), List.of(), call,
                    new SparkWire.Usage(tokens(lastUser), prompt, Math.max(1, tokens(call.arguments()))));
        }
        String reply = replyText != null ? replyText : "echo: " + lastUser;
        return new SparkPlan(Optional.empty(), chunks(reply, wordsPerChunk), null,
                new SparkWire.Usage(tokens(lastUser), prompt, Math.max(1, tokens(reply))));
    }

    static int tokens(String text) {
        Matcher m = TOKEN.matcher(text);
        int count = 0;
        while (m.find()) {
            count++;
        }
        return count;
    }

    private static List<String> chunks(String reply, int wordsPerChunk) {
        List<String> words = new ArrayList<>();
        Matcher m = CHUNK.matcher(reply);
        int start = 0;
        while (m.find()) {
            words.add(reply.substring(start, m.end()));
            start = m.end();
        }
        if (words.isEmpty()) {
            words.add(reply);
        }
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < words.size(); i += wordsPerChunk) {
            chunks.add(String.join("", words.subList(i, Math.min(words.size(), i + wordsPerChunk))));
        }
        return chunks;
    }

    private static FunctionCall call(JsonNode function, String lastUser) {
        ObjectNode arguments = SparkWire.JSON.createObjectNode();
        for (JsonNode required : function.path("parameters").path("required")) {
            arguments.put(required.asText(), lastUser);
        }
        return new FunctionCall(function.path("name").asText(), arguments.toString());
    }
}
