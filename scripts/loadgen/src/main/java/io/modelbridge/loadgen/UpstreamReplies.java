package io.modelbridge.loadgen;

import java.nio.charset.StandardCharsets;

/** The fake upstream's bytes on the wire: OpenAI's JSON and SSE shapes, HTTP/1.1 framing. */
final class UpstreamReplies {
    private static final long CREATED = 1_767_225_600L;
    private static final int PROMPT_TOKENS = 14;

    private UpstreamReplies() {}

    static byte[] completion(String model) {
        String json = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":" + CREATED
                + ",\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hello from the fake upstream.\"},\"finish_reason\":\"stop\"}],\"usage\":"
                + usage(6) + "}";
        return plain(200, "application/json", json);
    }

    static byte[] error(int status, String message, String type, String code) {
        String json = "{\"error\":{\"message\":\"" + message.replace("\"", "'") + "\",\"type\":\"" + type
                + "\",\"param\":null,\"code\":\"" + code + "\"}}";
        return plain(status, "application/json", json);
    }

    static byte[] plain(int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Error") + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + bytes.length + "\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.US_ASCII), bytes);
    }

    static byte[] streamHead() {
        return ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** One {@code data:} event as one HTTP chunk, so it leaves in one write. */
    static byte[] event(String data) {
        byte[] payload = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        byte[] size = (Integer.toHexString(payload.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        return concat(size, payload, "\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    static String contentChunk(String model, int index) {
        String delta = index == 0 ? "{\"role\":\"assistant\",\"content\":\"Hello\"}" : "{\"content\":\" tok" + index + "\"}";
        return chunk(model, delta, "null");
    }

    static String finishChunk(String model) {
        return chunk(model, "{}", "\"stop\"");
    }

    static String usageChunk(String model, int completionTokens) {
        return "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":" + CREATED + ",\"model\":\""
                + model + "\",\"choices\":[],\"usage\":" + usage(completionTokens) + "}";
    }

    private static String chunk(String model, String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":" + CREATED + ",\"model\":\""
                + model + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}";
    }

    private static String usage(int completionTokens) {
        return "{\"prompt_tokens\":" + PROMPT_TOKENS + ",\"completion_tokens\":" + completionTokens
                + ",\"total_tokens\":" + (PROMPT_TOKENS + completionTokens) + "}";
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
