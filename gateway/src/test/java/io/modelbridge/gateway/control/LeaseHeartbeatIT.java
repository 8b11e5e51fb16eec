package io.modelbridge.gateway.control;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quota lease heartbeat has a thread of its own, and a lease not renewed for 15 s is not used. Faults are made
 * in the real database: another session holds row locks that the gateway's writes wait for.
 */
@Tag("it")
@Timeout(120)
class LeaseHeartbeatIT {
    @TempDir
    static Path dataDir;
    static OpenAiSimulator upstream;
    static RunningGateway gw;
    static ApiCalls api;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        gw = RunningGateway.start(dataDir);
        api = new ApiCalls(gw.api());
        Setup.channel(gw, "beat-sim", upstream, 10_000);
        Setup.alias(gw, "beat", "beat-sim", 0, 1);
        gw.admin("PUT", "/prices/beat", "{\"input_per_1k\":1,\"output_per_1k\":1}");
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    static String userWithQuota(String name) {
        gw.admin("POST", "/users", JSON.createObjectNode().put("name", name).put("quota", new BigDecimal(100)));
        return gw.admin("POST", "/keys", JSON.createObjectNode().put("user", name)).get("key").asText();
    }

    static Connection database() throws SQLException {
        Connection c = DriverManager.getConnection(gw.gateway().jdbcUrl(), gw.gateway().dbUser(),
                gw.gateway().dbPassword());
        c.setAutoCommit(false);
        return c;
    }

    static OffsetDateTime renewedAt() throws SQLException {
        try (Connection c = database(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select max(renewed_at) from quota_leases where closed_at is null")) {
            r.next();
            return r.getObject(1, OffsetDateTime.class);
        }
    }

    /** Reserves about 0.03 credits: its lease (1 credit) covers it without asking the database. */
    static HttpResponse<String> ask(String key) {
        return api.post("/v1/chat/completions", key,
                ((ObjectNode) json(chat("beat", "hi", false))).put("max_tokens", 16).toString());
    }

    @Test
    void aBlockedHousekeepingThreadDoesNotStopLeaseRenewal() throws Exception {
        String key = userWithQuota("beat-flush");
        assertEquals(200, ask(key).statusCode());
        try (Connection locker = database(); Statement s = locker.createStatement()) {
            s.executeQuery("select id from api_keys for update").close(); // the last-used flush now waits
            assertEquals(200, ask(key).statusCode()); // touches the key: the next flush blocks on the lock
            Setup.sleep(1000);
            assertEquals(200, ask(key).statusCode()); // keeps the lease in use: an idle one goes back after 2 s
            OffsetDateTime before = renewedAt();
            for (int i = 0; i < 3; i++) {
                Setup.sleep(1000);
                assertEquals(200, ask(key).statusCode());
            }
            OffsetDateTime after = renewedAt();
            assertTrue(after.isAfter(before), "the lease was renewed while housekeeping waited: " + before + " -> "
                    + after);
            assertEquals(200, ask(key).statusCode());
            locker.rollback();
        }
    }

    @Test
    void aLeaseNotRenewedFor15SecondsIsNotUsed() throws Exception {
        String key = userWithQuota("beat-stale");
        assertEquals(200, ask(key).statusCode());
        try (Connection locker = database(); Statement s = locker.createStatement()) {
            s.executeQuery("select id from quota_leases where closed_at is null for update").close(); // renew waits
            for (int i = 0; i < 4; i++) { // keep the lease in use, so it is not returned as idle
                assertEquals(200, ask(key).statusCode());
                Setup.sleep(1000);
            }
            Setup.sleep(13_000);
            HttpResponse<String> refused = ask(key);
            assertEquals(503, refused.statusCode(), refused.body());
            JsonNode error = json(refused.body()).get("error");
            assertEquals("quota_unavailable", error.get("code").asText(), refused.body());
            assertTrue(error.has("message") && error.has("type") && error.has("param"), refused.body());
            assertTrue(refused.headers().firstValue("retry-after").isPresent());
            locker.rollback();
        }
        long end = System.nanoTime() + 5_000_000_000L;
        int status = 0;
        while (System.nanoTime() < end && status != 200) {
            status = ask(key).statusCode();
            Setup.sleep(200);
        }
        assertEquals(200, status, "served again once the leases are renewed");
    }
}
