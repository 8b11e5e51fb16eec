package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work before admission is bounded: a request refused for its rate costs no token count, and the largest body the
 * gateway takes (MB_MAX_BODY_BYTES, 8 MiB by default), one single word, is counted and answered within a bound.
 */
@Tag("it")
@Timeout(120)
@Tag("alone")
class AdmissionIT {
    static final int MAX_BODY = 8 * 1024 * 1024;
    @TempDir
    static Path dataDir;
    static OpenAiSimulator upstream;
    static RunningGateway gateway;
    static ApiCalls api;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        upstream.replyWith("ok");
        gateway = RunningGateway.start(dataDir, c -> c.withMaxBodyBytes(MAX_BODY));
        api = new ApiCalls(gateway.api());
        ObjectNode channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        gateway.admin("POST", "/channels", channel);
        ObjectNode alias = JSON.createObjectNode();
        alias.putArray("targets").addObject().put("channel", "sim").put("model", "gpt-4o");
        gateway.admin("PUT", "/aliases/big", alias);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /** A chat request of {@code bodyBytes} bytes whose prompt is one word. */
    static String singleWord(int bodyBytes) {
        String head = "{\"model\":\"big\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String tail = "\"}]}";
        return head + "a".repeat(bodyBytes - head.length() - tail.length()) + tail;
    }

    @Test
    void aRateLimitedCallersHugeRequestIsRefusedWithoutCountingIt() {
        String key = gateway.userWithKey("limited");
        gateway.admin("PUT", "/limits", JSON.createObjectNode().put("scope", "user").put("subject", "limited")
                .put("rpm", 1));
        api.chatOk(key, ApiCalls.chat("big", "first", false));
        String body = singleWord(7 * 1024 * 1024);
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            HttpResponse<String> res = api.post("/v1/chat/completions", key, body);
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("7 MiB request of a caller over its rpm refused in " + millis + " ms");
            assertEquals(429, res.statusCode(), res.body());
            assertEquals("rate_limit_exceeded", ApiCalls.json(res.body()).at("/error/code").asText());
            assertTrue(millis < 1500, "refused in " + millis + " ms");
        }
    }

    @Test
    void aMaximalSingleWordPromptIsAnsweredWithinABound() {
        String key = gateway.userWithKey("bulky");
        String body = singleWord(MAX_BODY - 1024);
        long started = System.nanoTime();
        HttpResponse<String> res = api.post("/v1/chat/completions", key, body);
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("8 MiB single-word prompt answered in " + millis + " ms");
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(millis < 5000, "answered in " + millis + " ms");
        int reported = ApiCalls.json(res.body()).at("/usage/prompt_tokens").asInt();
        assertEquals(1, reported, "the simulator counts words");
    }
}
