package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.vendors.VendorGateway.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.UsageRows;
import io.modelbridge.testkit.deepseek.DeepSeekSimulator;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cached prompt tokens and reasoning tokens, end to end with the DeepSeek simulator reporting a cache hit of half the
 * prompt: the client sees them in OpenAI's shape, the usage row records them, and the cost bills the cached part at
 * the model's cached input price (streamed and not).
 */
class CachedTokensIT {
    private static final BigDecimal INPUT = new BigDecimal("2");
    private static final BigDecimal CACHED_INPUT = new BigDecimal("0.5");
    private static final BigDecimal OUTPUT = new BigDecimal("8");
    private static final String PROMPT = "one two three four five six seven eight nine ten";

    @RegisterExtension
    static final VendorGatewayExtension<DeepSeekSimulator> SETUP =
            VendorGatewayExtension.of(DeepSeekSimulator::start, DeepSeekSimulator::reset, (simulator, gateway) -> {
                gateway.channel("deepseek-main", "deepseek", simulator.baseUri(), simulator.apiKey(),
                        List.of("deepseek-chat", "deepseek-reasoner"));
                gateway.alias("ds", "deepseek-main", "deepseek-chat");
                gateway.alias("ds-think", "deepseek-main", "deepseek-reasoner");
                gateway.gateway.admin("POST", "/users/vendor-it/quota/grant", "{\"credits\":1000}");
                for (String model : List.of("ds", "ds-think")) {
                    gateway.gateway.admin("PUT", "/prices/" + model, "{\"input_per_1k\":" + INPUT
                            + ",\"cached_input_per_1k\":" + CACHED_INPUT + ",\"output_per_1k\":" + OUTPUT + "}");
                }
            });

    @Test
    void aReasonerAnswerWithCacheHitsShowsRecordsAndBillsThem() {
        SETUP.simulator().cacheHits(true);
        HttpResponse<String> res = SETUP.gateway().chat(ask("ds-think", PROMPT, false).toString());
        assertEquals(200, res.statusCode(), res.body());
        JsonNode usage = json(res.body()).get("usage");
        assertDetails(usage);
        assertRow(requestId(res), usage);
    }

    @Test
    void aStreamedReasonerAnswerWithCacheHitsShowsRecordsAndBillsThem() {
        SETUP.simulator().cacheHits(true);
        HttpResponse<Stream<String>> res = SETUP.gateway().api.postStreaming("/v1/chat/completions",
                SETUP.gateway().key, ask("ds-think", PROMPT, true).toString());
        assertEquals(200, res.statusCode());
        boolean[] done = {false};
        List<JsonNode> events = ApiCalls.sseEvents(res.body().iterator(), done);
        assertTrue(done[0], events.toString());
        JsonNode usage = VendorGateway.streamUsage(events);
        assertDetails(usage);
        assertRow(requestId(res), usage);
    }

    @Test
    void detailsTheUpstreamDidNotSendAreNotInvented() {
        HttpResponse<String> res = SETUP.gateway().chat(ask("ds", PROMPT, false).toString());
        assertEquals(200, res.statusCode(), res.body());
        JsonNode usage = json(res.body()).get("usage");
        assertEquals(0, usage.at("/prompt_tokens_details/cached_tokens").asInt(-1), usage.toString());
        assertFalse(usage.has("completion_tokens_details"), "deepseek-chat reports no reasoning: " + usage);
        JsonNode row = UsageRows.find(SETUP.gateway().gateway, requestId(res));
        assertEquals(0, row.get("cached_prompt_tokens").asInt(-1), row.toString());
        assertTrue(row.get("reasoning_tokens").isNull(), row.toString());
        assertEquals(0, cost(usage.get("prompt_tokens").asInt(), 0, usage.get("completion_tokens").asInt())
                .compareTo(row.get("cost").decimalValue()), row.toString());
    }

    /** Half the 10-word prompt came from the cache; the reasoning tokens are part of the completion. */
    private static void assertDetails(JsonNode usage) {
        assertEquals(10, usage.get("prompt_tokens").asInt(), usage.toString());
        assertEquals(5, usage.at("/prompt_tokens_details/cached_tokens").asInt(), usage.toString());
        int reasoning = usage.at("/completion_tokens_details/reasoning_tokens").asInt();
        assertTrue(reasoning > 0 && reasoning < usage.get("completion_tokens").asInt(), usage.toString());
    }

    private static void assertRow(String requestId, JsonNode usage) {
        JsonNode row = UsageRows.find(SETUP.gateway().gateway, requestId);
        assertEquals(5, row.get("cached_prompt_tokens").asInt(), row.toString());
        assertEquals(usage.at("/completion_tokens_details/reasoning_tokens").asInt(), row.get("reasoning_tokens").asInt(),
                row.toString());
        BigDecimal expected = cost(10, 5, usage.get("completion_tokens").asInt());
        assertEquals(0, expected.compareTo(row.get("cost").decimalValue()),
                "cost " + row.get("cost") + " should be " + expected + ": " + row);
    }

    /** (prompt - cached) x input + cached x cached input + completion x output, per 1000 tokens. */
    private static BigDecimal cost(int prompt, int cached, int completion) {
        return INPUT.multiply(BigDecimal.valueOf(prompt - cached)).add(CACHED_INPUT.multiply(BigDecimal.valueOf(cached)))
                .add(OUTPUT.multiply(BigDecimal.valueOf(completion)))
                .divide(BigDecimal.valueOf(1000), 6, RoundingMode.HALF_UP);
    }

    private static String requestId(HttpResponse<?> res) {
        return res.headers().firstValue("x-modelbridge-request-id").orElseThrow();
    }
}
