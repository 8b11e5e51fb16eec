package io.modelbridge.gateway.control;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.sun.net.httpserver.HttpServer;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.RunningGateway;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The quota reservation covers everything the upstream bills: the race of the finding again, 30 concurrent requests
 * whose prompt is mostly tool definitions and images, against a quota that covers one of them, on an upstream that
 * bills them like OpenAI (the tokens of the messages and of the tools' JSON, 1,445 tokens per high-detail image).
 * Price of "toolsy": 1 credit per 1000 tokens either way.
 */
@Tag("it")
@Timeout(120)
class QuotaCoverageIT {
    static final int IMAGE_TOKENS = 1_445;
    static final Encoding O200K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    static HttpServer billing;
    static RunningGateway gw;
    static ApiCalls api;

    @BeforeAll
    static void start() throws IOException {
        billing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        billing.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        billing.createContext("/", exchange -> {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            sleep(500); // the admitted requests are in flight together
            ObjectNode answer = JSON.createObjectNode().put("id", "chatcmpl-bill").put("object", "chat.completion")
                    .put("created", 1).put("model", "gpt-4o");
            answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                    .putObject("message").put("role", "assistant").put("content", "ok");
            int prompt = billedPromptTokens(request);
            answer.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", 1)
                    .put("total_tokens", prompt + 1);
            byte[] bytes = answer.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        billing.start();
        gw = SharedGateway.get();
        api = new ApiCalls(gw.api());
        Setup.channel(gw, "billing", JSON.createObjectNode().put("credential", "sk-billing-0123456789")
                .put("base_url", "http://127.0.0.1:" + billing.getAddress().getPort()));
        Setup.alias(gw, "toolsy", "billing", 0, 1);
        gw.admin("PUT", "/prices/toolsy", "{\"input_per_1k\":1,\"output_per_1k\":1}");
    }

    @AfterAll
    static void stop() {
        billing.stop(0);
    }

    /** What the upstream bills: the tokens of every message text and of the tools' JSON, and each image. */
    static int billedPromptTokens(JsonNode request) {
        int tokens = 0;
        for (JsonNode message : request.path("messages")) {
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                tokens += O200K.countTokensOrdinary(content.textValue());
            }
            for (JsonNode part : content.isArray() ? content : JSON.createArrayNode()) {
                tokens += part.path("type").asText().equals("image_url") ? IMAGE_TOKENS
                        : O200K.countTokensOrdinary(part.path("text").asText());
            }
        }
        return tokens + O200K.countTokensOrdinary(request.path("tools").toString());
    }

    /** A request of a few words, 12 tools with long descriptions (about 26 KB) and 2 images. */
    static String heavy() {
        ObjectNode body = JSON.createObjectNode().put("model", "toolsy").put("max_tokens", 16);
        ArrayNode parts = body.putArray("messages").addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "text").put("text", "what is on these pictures?");
        for (int i = 0; i < 2; i++) {
            parts.addObject().put("type", "image_url").putObject("image_url")
                    .put("url", "https://example.com/picture-" + i + ".png").put("detail", "high");
        }
        ArrayNode tools = body.putArray("tools");
        for (int i = 0; i < 12; i++) {
            ObjectNode fn = tools.addObject().put("type", "function").putObject("function").put("name", "tool_" + i)
                    .put("description", "Looks things up in the catalogue and reports every detail. ".repeat(36));
            fn.putObject("parameters").put("type", "object").putObject("properties").putObject("query")
                    .put("type", "string");
        }
        return body.toString();
    }

    @Test
    void toolsAndImagesAreReservedSoConcurrentRequestsCannotOverspend() throws Exception {
        String body = heavy();
        BigDecimal perRequest = new BigDecimal(billedPromptTokens(json(body)) + 1).movePointLeft(3);
        BigDecimal quota = perRequest.multiply(new BigDecimal("1.5")).setScale(6, java.math.RoundingMode.DOWN);
        String key = Setup.userWithQuota(gw, "tool-racer", quota);
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            calls.add(() -> api.post("/v1/chat/completions", key, body));
        }
        List<HttpResponse<String>> answers = Setup.concurrently(calls);
        long ok = answers.stream().filter(r -> r.statusCode() == 200).count();
        for (HttpResponse<String> r : answers) {
            if (r.statusCode() != 200) {
                assertEquals(429, r.statusCode(), r.body());
                assertEquals("insufficient_quota", json(r.body()).at("/error/code").asText(), r.body());
            }
        }
        assertTrue(ok >= 1, "the quota covers one request");

        BigDecimal balance = Ledger.balance(Ledger.settledQuota(gw, "tool-racer"));
        BigDecimal charged = quota.subtract(balance);
        System.out.println("Tools race: quota " + quota + ", " + ok + " of 30 served, charged " + charged
                + ", overspend " + balance.negate().max(BigDecimal.ZERO) + " (documented bound: 0)");
        assertTrue(balance.signum() >= 0, "overspent " + balance.negate() + " (the bound is 0)");
        assertEquals(0, perRequest.multiply(BigDecimal.valueOf(ok)).compareTo(charged), "charged " + charged);
        assertEquals(0, charged.compareTo(Ledger.usageCost(gw, "tool-racer", 30)), "usage rows add up to the charge");
        Ledger.assertExplainsBalance(gw, "tool-racer");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
