package io.modelbridge.testkit.qwen;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** DashScope's native JSON shapes (vendor-protocols.md sections 4.4 to 4.8). */
final class QwenWire {
    private QwenWire() {}

    /** DashScope's error body. */
    static String error(String code, String message, String requestId) {
        return QwenSimulator.JSON.createObjectNode().put("request_id", requestId).put("code", code)
                .put("message", message).toString();
    }

    /** The SSE form of an error: what a request that asked for SSE gets, before or during the stream. */
    static String errorEvent(int id, int status, String code, String message, String requestId) {
        return "id:" + id + "\nevent:error\n:HTTP_STATUS/" + status + "\ndata:" + error(code, message, requestId) + "\n\n";
    }

    /** One result event: four lines, no space after the colons, then a blank line. */
    static String resultEvent(int id, ObjectNode data) {
        return "id:" + id + "\nevent:result\n:HTTP_STATUS/200\ndata:" + data + "\n\n";
    }

    /**
     * An answer envelope. {@code message} form: {@code output.choices[0]} with the given message and finish reason
     * (the string "null" while unfinished); {@code text} form (DashScope's legacy default): {@code output.text}.
     */
    static ObjectNode answer(boolean messageFormat, ObjectNode message, String finishReason, int input, int output,
                             int reasoning, String requestId) {
        ObjectNode body = QwenSimulator.JSON.createObjectNode();
        ObjectNode out = body.putObject("output");
        if (messageFormat) {
            ObjectNode choice = out.putArray("choices").addObject();
            choice.put("finish_reason", finishReason);
            choice.set("message", message);
        } else {
            out.put("text", message.path("content").asText("")).put("finish_reason", finishReason);
        }
        ObjectNode usage = body.putObject("usage").put("input_tokens", input).put("output_tokens", output)
                .put("total_tokens", input + output);
        if (reasoning > 0) {
            usage.putObject("output_tokens_details").put("reasoning_tokens", reasoning);
        }
        body.put("request_id", requestId);
        return body;
    }

    static ObjectNode message(String content) {
        return QwenSimulator.JSON.createObjectNode().put("role", "assistant").put("content", content);
    }

    /** A tool call (or a fragment of one: DashScope sends an empty id and no name on later fragments). */
    static void toolCall(ObjectNode message, String id, String name, String arguments) {
        ObjectNode call = message.putArray("tool_calls").addObject().put("index", 0).put("id", id)
                .put("type", "function");
        ObjectNode function = call.putObject("function");
        if (name != null) {
            function.put("name", name);
        }
        function.put("arguments", arguments);
    }
}
