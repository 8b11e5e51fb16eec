package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics on the admin listener: the series move with the traffic that was sent. */
class MetricsIT {
    @TempDir
    static Path dataDir;
    static OneChannelGateway sim;
    static OpenAiSimulator upstream;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        sim = OneChannelGateway.start(dataDir);
        upstream = sim.upstream();
        gateway = sim.gateway();
        api = sim.api();
        key = gateway.userWithKey("metered");
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void trafficMovesTheSeries() {
        String before = scrape();
        api.chatOk(key, chat("smart", "one two three", false));
        api.chatOk(key, chat("smart", "streamed", true));
        upstream.failNextServerError(1);
        assertEquals(502, api.post("/v1/chat/completions", key, chat("smart", "boom", false)).statusCode());
        gateway.admin("PUT", "/limits", JSON.createObjectNode().put("scope", "user").put("subject", "metered").put("rpm", 2));
        int limited = 0;
        for (int i = 0; i < 10 && limited == 0; i++) {
            limited += api.post("/v1/chat/completions", key, chat("smart", "over", false)).statusCode() == 429 ? 1 : 0;
            UsageRows.sleep(20);
        }
        assertEquals(1, limited, "the user's rate limit bit");
        gateway.admin("DELETE", "/limits?scope=user&subject=metered", null);
        gateway.admin("PUT", "/prices/smart", "{\"input_per_1k\":1,\"output_per_1k\":1}");
        gateway.admin("POST", "/users", JSON.createObjectNode().put("name", "broke").put("quota", new java.math.BigDecimal("0.001")));
        String broke = gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", "broke")).get("key").asText();
        var refused = api.post("/v1/chat/completions", broke, chat("smart", "too dear", false));
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("insufficient_quota"), refused.body());
        String after = scrape();

        String ok = "modelbridge_requests_total{alias=\"smart\",channel=\"sim\",status=\"200\"}";
        double served = value(after, ok) - value(before, ok);
        assertTrue(served >= 2, after);
        assertEquals(1, value(after, "modelbridge_requests_total{alias=\"smart\",channel=\"sim\",status=\"502\"}"));
        // one refused for the rate limit, one for quota: before routing, labelled with the model the route table serves
        assertEquals(2, value(after, "modelbridge_requests_total{alias=\"smart\",channel=\"\",status=\"429\"}"));
        assertEquals(served, value(after, "modelbridge_request_duration_seconds_count{alias=\"smart\",channel=\"sim\",status=\"200\"}"));
        assertEquals(1, value(after, "modelbridge_time_to_first_token_seconds_count{alias=\"smart\",channel=\"sim\"}"));
        assertEquals(1, value(after, "modelbridge_time_to_first_token_seconds_bucket{alias=\"smart\",channel=\"sim\",le=\"+Inf\"}"));
        // "echo: one two three" (4 words), "echo: streamed" (2), and "echo: over" (2) for each request let through
        assertEquals(6 + 2 * (served - 2), value(after, "modelbridge_completion_tokens_total{model=\"smart\"}"));
        assertTrue(value(after, "modelbridge_prompt_tokens_total{model=\"smart\"}") > 0);
        assertEquals(1, value(after, "modelbridge_upstream_errors_total{channel=\"sim\",kind=\"UNAVAILABLE\"}"));
        assertEquals(1, value(after, "modelbridge_circuit_breaker_state{channel=\"sim\",state=\"closed\"}"));
        assertEquals(1, value(after, "modelbridge_plugin_info{plugin=\"openai\"", true));
        assertEquals(1, value(after, "modelbridge_quota_rejections_total"), after);
        assertEquals(1, value(after, "modelbridge_database_up"));
        assertTrue(after.contains("# TYPE modelbridge_usage_write_backlog gauge"));
        assertTrue(after.contains("# TYPE modelbridge_request_duration_seconds histogram"));
        assertEquals(1, value(after, "modelbridge_rate_limit_rejections_total"), after);
        assertEquals(404, api.get("/metrics", key).statusCode(), "not served on the public port");
    }

    private static String scrape() {
        HttpResponse<String> res = PrometheusExposition.scrape(gateway.admin(), null);
        assertTrue(res.headers().firstValue("content-type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        return res.body();
    }

    private static double value(String text, String series) {
        return value(text, series, false);
    }

    /** A sample's value, 0 when absent; with {@code prefix} the series may carry more labels. */
    private static double value(String text, String series, boolean prefix) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + (prefix ? "[^ ]*" : "") + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
