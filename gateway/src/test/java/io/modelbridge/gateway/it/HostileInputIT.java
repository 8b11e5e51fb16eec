package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A corpus of hostile requests: each gets a 4xx in OpenAI's error shape, never a 5xx or a stack trace. */
class HostileInputIT {
    @TempDir
    static Path dataDir;
    static OpenAiSimulator upstream;
    static RunningGateway gateway;
    static URI api;
    static String key;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        gateway = RunningGateway.start(dataDir);
        api = gateway.api();
        var channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o").add("text-embedding-3-small");
        gateway.admin("POST", "/channels", channel);
        key = gateway.userWithKey("mallory");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static Stream<Arguments> hostileBodies() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        String deepContent = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "{\"a\":".repeat(3000) + "1" + "}".repeat(3000) + "}]}";
        return Stream.of(
                body("empty", ""),
                body("not json", "hello"),
                body("truncated", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":"),
                body("trailing garbage", "{\"model\":\"gpt-4o\",\"messages\":[]} trailing"),
                body("array at top", "[1,2,3]"),
                body("string at top", "\"hello\""),
                body("null at top", "null"),
                body("model is a number", "{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                body("model is empty", "{\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                body("messages is an object", "{\"model\":\"gpt-4o\",\"messages\":{}}"),
                body("messages is empty", "{\"model\":\"gpt-4o\",\"messages\":[]}"),
                body("message is a string", "{\"model\":\"gpt-4o\",\"messages\":[\"hi\"]}"),
                body("unknown role", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"),
                body("content is a number", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":7}]}"),
                body("temperature is a string", chatWith("\"temperature\":\"hot\"")),
                body("temperature out of range", chatWith("\"temperature\":99")),
                body("max_tokens negative", chatWith("\"max_tokens\":-5")),
                body("max_tokens huge", chatWith("\"max_tokens\":99999999999999999999")),
                body("n is a string", chatWith("\"n\":\"two\"")),
                body("stream is a string", chatWith("\"stream\":\"yes\"")),
                body("tools is a string", chatWith("\"tools\":\"all of them\"")),
                body("tool without function", chatWith("\"tools\":[{\"type\":\"function\"}]")),
                body("stop is an object", chatWith("\"stop\":{\"a\":1}")),
                body("deeply nested array", deep),
                body("deeply nested content", deepContent),
                body("NaN number", chatWith("\"temperature\":NaN")),
                body("duplicate keys", "{\"model\":\"gpt-4o\",\"model\":\"gpt-4o\",\"messages\":[]}"),
                body("comment", "{/* hi */\"model\":\"gpt-4o\"}"),
                body("single quotes", "{'model':'gpt-4o'}"),
                body("control character in string", "{\"model\":\"gpt\u0001-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                body("unknown model with odd bytes", "{\"model\":\"\\u0000../../etc/passwd\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileBodies")
    void hostileChatBodiesGetA4xx(String name, byte[] body) {
        assertClientError(RawHttp.post(api, "/v1/chat/completions", key, body), name);
    }

    @Test
    void invalidUtf8IsA400() {
        byte[] prefix = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(prefix);
        body.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE});
        body.writeBytes(suffix);
        RawHttp.Reply reply = RawHttp.post(api, "/v1/chat/completions", key, body.toByteArray());
        assertClientError(reply, "invalid UTF-8");
        assertEquals(400, reply.status());
    }

    @Test
    void aHugeStringUnderTheLimitIsServedAndOverItIs413() {
        String big = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "é".repeat(20_000) + "\"}]}";
        assertEquals(200, RawHttp.post(api, "/v1/chat/completions", key, big.getBytes(StandardCharsets.UTF_8)).status());
        String over = big.replace("é".repeat(20_000), "é".repeat(40_000));
        RawHttp.Reply reply = RawHttp.post(api, "/v1/chat/completions", key, over.getBytes(StandardCharsets.UTF_8));
        assertEquals(413, reply.status(), reply.body());
        assertClientError(reply, "over the limit");
    }

    @Test
    void aLyingContentLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() {
        RawHttp.Reply reply = RawHttp.exchange(api, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: 900000000", new byte[0]);
        assertEquals(413, reply.status(), reply.body());
        assertClientError(reply, "declared length");
    }

    @Test
    void compressedBodiesAreRefusedEvenWhenTheyWouldExpandPastTheLimit() throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(10_000_000)
                    + "\"}]}").getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(zipped.size() < 64 * 1024, "a small body on the wire");
        RawHttp.Reply reply = RawHttp.post(api, "/v1/chat/completions", key, zipped.toByteArray(), "Content-Encoding: gzip");
        assertClientError(reply, "gzip bomb");
    }

    static Stream<Arguments> oddRequests() {
        String ok = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        return Stream.of(
                Arguments.of("path traversal to admin", "POST /v1/../admin/v1/users HTTP/1.1", ok),
                Arguments.of("encoded traversal", "POST /v1/%2e%2e/admin/v1/users HTTP/1.1", ok),
                Arguments.of("encoded slash", "POST /v1/chat%2Fcompletions HTTP/1.1", ok),
                Arguments.of("unknown method", "BREW /v1/chat/completions HTTP/1.1", ok),
                Arguments.of("GET on a POST endpoint", "GET /v1/chat/completions HTTP/1.1", ""),
                Arguments.of("query string tricks", "POST /v1/chat/completions?model=../../x&stream=true HTTP/1.1", "{}"),
                Arguments.of("wrong content type", "POST /v1/chat/completions HTTP/1.1\r\nContent-Type: text/plain", "hello"),
                Arguments.of("basic auth instead of bearer",
                        "POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Basic dXNlcjpwYXNz", ok),
                Arguments.of("bearer without a key", "POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer", ok),
                Arguments.of("two authorization headers",
                        "POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b", ok),
                Arguments.of("very long key", "POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer mb-"
                        + "k".repeat(6000), ok),
                Arguments.of("non-ascii header", "POST /v1/chat/completions HTTP/1.1\r\nX-Name: \u00e9t\u00e9", ok));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddRequests")
    void oddRequestsGetA4xx(String name, String requestLineAndHeaders, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = requestLineAndHeaders + "\r\nHost: x\r\nConnection: close\r\nContent-Length: " + bytes.length
                + (requestLineAndHeaders.contains("Authorization") ? "" : "\r\nAuthorization: Bearer mb-unknown");
        if (!requestLineAndHeaders.contains("Content-Type")) {
            head += "\r\nContent-Type: application/json";
        }
        assertClientError(RawHttp.exchange(api, head, bytes), name);
    }

    @Test
    void memoryStaysFlatUnderARainOfBadRequests() {
        List<byte[]> corpus = new ArrayList<>();
        hostileBodies().forEach(a -> corpus.add((byte[]) a.get()[1]));
        long before = usedHeapAfterGc();
        for (int round = 0; round < 20; round++) {
            for (byte[] body : corpus) {
                assertTrue(RawHttp.post(api, "/v1/chat/completions", key, body).status() < 500);
            }
        }
        long grown = usedHeapAfterGc() - before;
        assertTrue(grown < 32L * 1024 * 1024, "heap grew by " + grown / 1024 + " KiB over " + 20 * corpus.size() + " requests");
        assertEquals(200, RawHttp.post(api, "/v1/chat/completions", key, ("{\"model\":\"gpt-4o\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"still fine\"}]}").getBytes(StandardCharsets.UTF_8)).status());
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    static void assertClientError(RawHttp.Reply reply, String what) {
        assertTrue(reply.status() >= 400 && reply.status() < 500, what + " -> " + reply.status() + " " + reply.body());
        JsonNode error = ApiCalls.json(reply.body()).get("error");
        assertTrue(error != null && error.isObject(), what + ": not OpenAI's error shape: " + reply.body());
        for (String field : List.of("message", "type", "param", "code")) {
            assertTrue(error.has(field), what + ": error has no " + field + ": " + reply.body());
        }
        assertFalse(reply.body().contains("Exception") || reply.body().contains("\tat "), what + ": " + reply.body());
    }

    private static Arguments body(String name, String body) {
        return Arguments.of(name, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String chatWith(String field) {
        return "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]," + field + "}";
    }
}
