package io.modelbridge.gateway.control;

import static io.modelbridge.gateway.control.Setup.header;
import static io.modelbridge.gateway.it.ApiCalls.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client's x-request-id is kept for correlation, never as the request's id: five calls with one id, and another
 * user's call with the same id, leave six usage rows, each with its own reservation and settlement.
 */
@Tag("it")
@Timeout(120)
class RequestIdsIT {
    static OpenAiSimulator upstream;
    static RunningGateway gw;
    static ApiCalls api;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        gw = SharedGateway.get();
        api = new ApiCalls(gw.api());
        Setup.channel(gw, "ids-sim", upstream, 10_000);
        Setup.alias(gw, "ids", "ids-sim", 0, 1);
        gw.admin("PUT", "/prices/ids", "{\"input_per_1k\":1,\"output_per_1k\":1}");
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    static String userWithQuota(String name) {
        return Setup.userWithQuota(gw, name, BigDecimal.TEN);
    }

    static String ask(String key, String clientId, boolean stream) {
        HttpResponse<String> res = api.post("/v1/chat/completions", key,
                ((ObjectNode) ApiCalls.json(chat("ids", "hello", stream))).put("max_tokens", 16).toString(),
                "x-request-id", clientId);
        assertEquals(200, res.statusCode(), res.body());
        assertEquals(clientId, header(res, "x-request-id"), "the client's id is echoed");
        String own = header(res, "x-modelbridge-request-id");
        assertNotEquals(clientId, own);
        return own;
    }

    @Test
    void aRepeatedClientRequestIdNeverMergesOrDropsUsageRows() {
        String repeated = "dup-" + System.nanoTime();
        String first = userWithQuota("ids-first");
        String second = userWithQuota("ids-second");
        Set<String> ownIds = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            ownIds.add(ask(first, repeated, i % 2 == 0));
        }
        String othersId = ask(second, repeated, false);

        for (String user : List.of("ids-first", "ids-second")) {
            int requests = user.equals("ids-first") ? 5 : 1;
            JsonNode rows = Ledger.usage(gw, user, requests).get("data");
            assertEquals(requests, rows.size(), rows.toString());
            JsonNode quota = Ledger.settledQuota(gw, user); // the lease's close charges the usage rows
            BigDecimal cost = BigDecimal.ZERO;
            for (JsonNode row : rows) {
                cost = cost.add(row.get("cost").decimalValue());
            }
            assertTrue(cost.signum() > 0, rows.toString());
            assertEquals(0, cost.compareTo(Ledger.charged(quota)), "each request charged once: " + quota);
            for (JsonNode row : rows) {
                assertEquals(repeated, row.get("client_request_id").asText(), row.toString());
                assertEquals(200, row.get("status").asInt());
                String id = row.get("request_id").asText();
                assertEquals(user.equals("ids-first"), ownIds.contains(id), id);
            }
            Ledger.assertExplainsBalance(gw, user);
        }
        assertEquals(othersId, Ledger.usage(gw, "ids-second", 1).at("/data/0/request_id").asText());
        assertEquals(5, ownIds.size(), "each request has an id of its own: " + ownIds);
    }
}
