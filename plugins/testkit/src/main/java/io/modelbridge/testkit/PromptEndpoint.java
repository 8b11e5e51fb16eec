package io.modelbridge.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulator's legacy completions endpoint ({@code text_completion}, OpenAI's {@code /v1/completions} and DeepSeek's
 * FIM {@code /beta/completions}), plain and streamed: the knobs' reply text (echo puts the prompt first), a word
 * per stream event, {@code logprobs} when asked for, usage counted in words (prompt and suffix, then the text) and,
 * in a stream, a trailing usage chunk when {@code stream_options.include_usage} is set. The caller has checked the
 * key and the request.
 */
public final class PromptEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SimulatorKnobs knobs;
    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();

    public PromptEndpoint(SimulatorKnobs knobs, String idPrefix) {
        this.knobs = knobs;
        this.idPrefix = idPrefix;
    }

    public void answer(JsonNode request, ServerResponse res) {
        String prompt = request.path("prompt").asText("");
        String text = (request.path("echo").asBoolean(false) ? prompt : "")
                + knobs.replyText().orElse("Hello from the simulator");
        int promptTokens = words(prompt) + words(request.path("suffix").asText(""));
        String id = idPrefix + ids.incrementAndGet();
        long created = Instant.now().getEpochSecond();
        String model = request.path("model").asText();
        boolean logprobs = request.path("logprobs").isInt();
        if (!request.path("stream").asBoolean(false)) {
            ObjectNode body = envelope(id, created, model);
            choice(body.putArray("choices"), text, logprobs, "stop");
            body.set("usage", usage(promptTokens, words(text)));
            res.header("Content-Type", "application/json");
            res.send(body.toString());
            return;
        }
        res.header("Content-Type", "text/event-stream; charset=utf-8");
        res.header("Cache-Control", "no-cache");
        SseOutput sse = new SseOutput(res.outputStream());
        try {
            for (String piece : pieces(text)) {
                ObjectNode chunk = envelope(id, created, model);
                choice(chunk.putArray("choices"), piece, logprobs, null);
                knobs.pauseBeforeEvent();
                sse.data(chunk.toString());
            }
            ObjectNode finish = envelope(id, created, model);
            choice(finish.putArray("choices"), "", false, "stop");
            sse.data(finish.toString());
            if (request.path("stream_options").path("include_usage").asBoolean(false)) {
                ObjectNode last = envelope(id, created, model);
                last.putArray("choices");
                last.set("usage", usage(promptTokens, words(text)));
                sse.data(last.toString());
            }
            sse.data("[DONE]");
        } catch (SseOutput.ClientGone gone) {
            knobs.streamCancelled();
        }
    }

    private static ObjectNode envelope(String id, long created, String model) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", id).put("object", "text_completion").put("created", created).put("model", model);
        return node;
    }

    private static void choice(ArrayNode choices, String text, boolean logprobs, String finishReason) {
        ObjectNode choice = choices.addObject().put("text", text).put("index", 0);
        if (logprobs) {
            ObjectNode lp = choice.putObject("logprobs");
            ArrayNode tokens = lp.putArray("tokens");
            ArrayNode values = lp.putArray("token_logprobs");
            ArrayNode offsets = lp.putArray("text_offset");
            int offset = 0;
            for (String piece : pieces(text)) {
                tokens.add(piece);
                values.add(-0.25);
                offsets.add(offset);
                offset += piece.length();
            }
            lp.putNull("top_logprobs");
        } else {
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", finishReason);
    }

    private static ObjectNode usage(int prompt, int completion) {
        return JSON.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    /** The text as words, each but the first with its leading space. */
    private static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        String[] words = text.split(" ", -1);
        for (int i = 0; i < words.length; i++) {
            pieces.add(i == 0 ? words[i] : " " + words[i]);
        }
        return pieces;
    }

    private static int words(String text) {
        return text.isBlank() ? 0 : (int) Arrays.stream(text.strip().split("\\s+")).count();
    }
}
