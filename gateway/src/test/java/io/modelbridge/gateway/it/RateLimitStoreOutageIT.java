package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.OpenAiApiIT.assertError;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MB_RATE_LIMITS=distributed while the database is stopped: with MB_RATE_LIMITS_ON_STORE_FAILURE=closed (the
 * default) a request whose limits cannot be checked is refused with 503 rate_limit_unavailable; with open, its
 * sibling on the same database admits it; both are counted in modelbridge_rate_limit_store_failures_total.
 */
class RateLimitStoreOutageIT {
    @TempDir
    Path dataDir;
    @TempDir
    Path siblingDir;

    @Test
    void closedRefusesAndOpenAdmitsWhileTheDatabaseIsDown() throws Exception {
        try (OpenAiSimulator upstream = OpenAiSimulator.start();
             RunningGateway closed = RunningGateway.start(dataDir,
                     c -> c.withControl(c.control().withDistributedLimits(true)))) {
            ObjectNode channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                    .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
            channel.putArray("models").add("gpt-4o");
            closed.admin("POST", "/channels", channel);
            String key = closed.userWithKey("limited");
            closed.admin("PUT", "/limits", "{\"scope\":\"user\",\"subject\":\"limited\",\"rpm\":100}");
            try (RunningGateway open = closed.sibling(siblingDir, c -> c.withControl(
                    c.control().withDistributedLimits(true).withLimitsFailOpen(true)))) {
                ApiCalls closedApi = new ApiCalls(closed.api());
                ApiCalls openApi = new ApiCalls(open.api());
                // warms both key caches, so only the rate limits need the database below
                closedApi.chatOk(key, chat("gpt-4o", "a", false));
                openApi.chatOk(key, chat("gpt-4o", "b", false));

                ServerSocket portHolder = PostgresSwitch.of(closed.dataDir).stopAndHoldPort();
                try {
                    long start = System.nanoTime();
                    HttpResponse<String> refused = closedApi.post("/v1/chat/completions", key,
                            chat("gpt-4o", "c", false));
                    assertError(refused, 503, "rate_limit_unavailable");
                    assertEquals("1", refused.headers().firstValue("retry-after").orElse(""));
                    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "refused within the waits");
                    assertEquals(1.0, storeFailures(closed, "refused"));

                    HttpResponse<String> admitted = openApi.post("/v1/chat/completions", key,
                            chat("gpt-4o", "d", false));
                    assertEquals(200, admitted.statusCode(), admitted.body());
                    assertEquals(1.0, storeFailures(open, "admitted"));
                } finally {
                    portHolder.close();
                }
            }
        }
    }

    private static double storeFailures(RunningGateway gateway, String outcome)
            throws IOException, InterruptedException {
        String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.admin().resolve("/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^modelbridge_rate_limit_store_failures_total\\{outcome=\"" + outcome
                + "\"} (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
