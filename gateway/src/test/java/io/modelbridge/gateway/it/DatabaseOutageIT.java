package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.OpenAiApiIT.assertError;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database stops while the gateway serves: readiness turns false, what needs the database is refused with a
 * 503, a key already authenticated keeps working, and its usage rows wait in the spill file until the database is
 * back; the gateway restarts its embedded server itself (here only once the test stops holding its port, to keep
 * the outage long enough to observe); then everything works again and no row is lost.
 */
class DatabaseOutageIT {
    @TempDir
    Path dataDir;

    @Test
    void theGatewayRidesOutADatabaseStop() throws IOException {
        PostgresSwitch postgres;
        ServerSocket portHolder = null;
        try (OpenAiSimulator upstream = OpenAiSimulator.start();
             RunningGateway gateway = RunningGateway.start(dataDir)) {
            ApiCalls api = new ApiCalls(gateway.api());
            ObjectNode channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                    .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
            channel.putArray("models").add("gpt-4o");
            gateway.admin("POST", "/channels", channel);
            String warmKey = gateway.userWithKey("warm");
            String coldKey = gateway.userWithKey("cold");
            api.chatOk(warmKey, chat("gpt-4o", "before", false));
            postgres = PostgresSwitch.of(gateway.dataDir);

            // Holding the port keeps the gateway's restarts waiting (it retries every 500 ms) for the outage.
            portHolder = postgres.stopAndHoldPort();
            List<String> served = new ArrayList<>();
            try {
                awaitTrue(() -> api.get("/readyz", null).statusCode() == 503, "/readyz turns 503");
                long start = System.nanoTime();
                HttpResponse<String> refused = api.post("/v1/chat/completions", coldKey, chat("gpt-4o", "x", false),
                        "x-request-id", "outage-refused");
                assertError(refused, 503, "database_unavailable");
                assertTrue(refused.headers().firstValue("retry-after").isPresent());
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "refused promptly");
                assertError(gateway.adminCall("GET", "/users", null), 503, "database_unavailable");
                for (int i = 0; i < 20; i++) {
                    String id = "outage-" + i;
                    HttpResponse<String> res = api.post("/v1/chat/completions", warmKey,
                            chat("gpt-4o", "during " + i, i % 2 == 0), "x-request-id", id);
                    assertEquals(200, res.statusCode(), "a cached key keeps working: " + res.body());
                    served.add(id);
                }
            } finally {
                portHolder.close();
            }

            awaitTrue(() -> api.get("/readyz", null).statusCode() == 200, "/readyz turns 200 again");
            api.chatOk(coldKey, chat("gpt-4o", "after", false));
            Set<String> expected = new HashSet<>(served);
            expected.add("outage-refused");
            awaitTrue(() -> usageIds(gateway).containsAll(expected), "every usage row of the outage was written");
            JsonNode refusedRow = UsageRows.find(gateway, "outage-refused");
            assertEquals(503, refusedRow.get("status").asInt());
            assertEquals("database_unavailable", refusedRow.get("error_code").asText());
        } finally {
            if (portHolder != null) {
                portHolder.close();
            }
        }
    }

    private static Set<String> usageIds(RunningGateway gateway) {
        Set<String> ids = new HashSet<>();
        gateway.admin("GET", "/usage?since=1h&limit=500", null).get("data").forEach(r -> ids.add(r.get("client_request_id").asText()));
        return ids;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting: " + what);
            UsageRows.sleep(100);
        }
    }
}
