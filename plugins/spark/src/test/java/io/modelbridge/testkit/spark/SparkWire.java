package io.modelbridge.testkit.spark;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.ThreadLocalRandom;

/** Spark's response frames as iFlytek sends them (vendor-protocols.md 5.5). */
final class SparkWire {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private SparkWire() {}

    /** Spark's token counts: {@code question_tokens} is the last question, {@code prompt_tokens} all of the input. */
    record Usage(int question, int prompt, int completion) {}

    /** A session id in Spark's shape, e.g. {@code cht000b1a2@dx18f3c5d6e7a8b9c0d1}. */
    static String sid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return String.format("cht000%04x@dx%016x", r.nextInt(0x10000), r.nextLong() & Long.MAX_VALUE);
    }

    /** A content frame; {@code usage} only on the last one (status 2), else null. */
    static String text(String sid, int status, int seq, String content, Usage usage) {
        ObjectNode frame = frame(sid, status, seq);
        item(frame).put("content", content);
        usage(frame, usage);
        return frame.toString();
    }

    /** The frame that carries a function call: empty content, {@code function_call} with the arguments as text. */
    static String functionCall(String sid, int status, int seq, String name, String arguments, Usage usage) {
        ObjectNode frame = frame(sid, status, seq);
        ObjectNode item = item(frame).put("content", "");
        item.putObject("function_call").put("name", name).put("arguments", arguments);
        usage(frame, usage);
        return frame.toString();
    }

    /** An error frame: a non-zero code, no payload; the server closes the socket after it. */
    static String error(int code, String message, String sid) {
        ObjectNode frame = JSON.createObjectNode();
        frame.putObject("header").put("code", code).put("message", message).put("sid", sid).put("status", 2);
        return frame.toString();
    }

    private static ObjectNode frame(String sid, int status, int seq) {
        ObjectNode frame = JSON.createObjectNode();
        frame.putObject("header").put("code", 0).put("message", "Success").put("sid", sid).put("status", status);
        frame.putObject("payload").putObject("choices").put("status", status).put("seq", seq).putArray("text");
        return frame;
    }

    private static ObjectNode item(ObjectNode frame) {
        return ((com.fasterxml.jackson.databind.node.ArrayNode) frame.path("payload").path("choices").path("text"))
                .addObject().put("role", "assistant").put("index", 0).put("content_type", "text");
    }

    private static void usage(ObjectNode frame, Usage usage) {
        if (usage == null) {
            return;
        }
        ((ObjectNode) frame.path("payload")).putObject("usage").putObject("text")
                .put("question_tokens", usage.question())
                .put("prompt_tokens", usage.prompt())
                .put("completion_tokens", usage.completion())
                .put("total_tokens", usage.prompt() + usage.completion());
    }
}
