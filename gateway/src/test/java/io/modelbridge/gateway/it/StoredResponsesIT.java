package io.modelbridge.gateway.it;

import static io.modelbridge.db.jooq.Tables.STORED_RESPONSES;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.config.ResponsesConfig;
import io.modelbridge.gateway.responses.PostgresResponseStore;
import io.modelbridge.gateway.responses.StoredResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.CloseableDSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET and DELETE /v1/responses/{id} and GET /v1/responses/{id}/input_items over real sockets, on responses stored
 * in the gateway's own database: read and deleted by their owner only, gone after their retention, listed a page
 * at a time in OpenAI's list shape, errors in OpenAI's shape.
 */
class StoredResponsesIT {
    private static final AtomicLong NEXT = new AtomicLong();
    @TempDir
    static Path dataDir;
    static RunningGateway gateway;
    static CloseableDSLContext db;
    static PostgresResponseStore store;
    static String aliceKey;
    static long alice;
    static String bobKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(dataDir);
        aliceKey = gateway.userWithKey("alice");
        alice = gateway.admin("GET", "/users/alice", null).get("id").asLong();
        bobKey = gateway.userWithKey("bob");
        db = DSL.using(gateway.gateway().jdbcUrl(), gateway.gateway().dbUser(), gateway.gateway().dbPassword());
        store = new PostgresResponseStore(db, ResponsesConfig.defaults(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        db.close();
        gateway.close();
    }

    @Test
    void theOwnerGetsTheResponseAsItWasReturned() {
        StoredResponse r = seed(store, 2);
        HttpResponse<String> res = call("GET", "/v1/responses/" + r.id(), aliceKey);
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("application/json", res.headers().firstValue("content-type").orElse(""));
        assertEquals(r.responseJson(), res.body());
    }

    @Test
    void anotherUsersKeyGets404ForEveryRoute() {
        StoredResponse r = seed(store, 2);
        for (String[] route : new String[][] {{"GET", ""}, {"GET", "/input_items"}, {"DELETE", ""}}) {
            HttpResponse<String> res = call(route[0], "/v1/responses/" + r.id() + route[1], bobKey);
            assertNotFound(res, r.id());
        }
        assertEquals(200, call("GET", "/v1/responses/" + r.id(), aliceKey).statusCode(), "bob deleted nothing");
    }

    @Test
    void anUnknownIdIs404AndNoKeyIs401() {
        assertNotFound(call("GET", "/v1/responses/resp_nothing", aliceKey), "resp_nothing");
        HttpResponse<String> res = call("GET", "/v1/responses/resp_nothing", null);
        assertEquals(401, res.statusCode(), res.body());
        assertEquals("invalid_api_key", json(res.body()).at("/error/code").asText());
    }

    @Test
    void aResponsePastItsRetentionIs404() {
        // stored 31 days ago under a 30-day retention: expired, though the sweep has not removed it yet
        Clock monthAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(31)), ZoneOffset.UTC);
        StoredResponse old = seed(new PostgresResponseStore(db, ResponsesConfig.defaults(), monthAgo), 1);
        assertNotFound(call("GET", "/v1/responses/" + old.id(), aliceKey), old.id());
        assertNotFound(call("GET", "/v1/responses/" + old.id() + "/input_items", aliceKey), old.id());
        assertNotFound(call("DELETE", "/v1/responses/" + old.id(), aliceKey), old.id());
    }

    @Test
    void theOwnerDeletesAResponseOnce() {
        StoredResponse r = seed(store, 1);
        HttpResponse<String> res = call("DELETE", "/v1/responses/" + r.id(), aliceKey);
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = json(res.body());
        assertEquals(r.id(), body.get("id").asText());
        assertEquals("response.deleted", body.get("object").asText());
        assertTrue(body.get("deleted").asBoolean());
        assertNotFound(call("GET", "/v1/responses/" + r.id(), aliceKey), r.id());
        assertNotFound(call("DELETE", "/v1/responses/" + r.id(), aliceKey), r.id());
    }

    @Test
    void inputItemsAreListedNewestFirstByDefaultTwentyAPage() {
        StoredResponse r = seed(store, 25);
        JsonNode page = list(r, "");
        assertEquals("list", page.get("object").asText());
        assertEquals(ids(24, 5), ids(page));
        assertEquals("msg_24", page.get("first_id").asText());
        assertEquals("msg_5", page.get("last_id").asText());
        assertTrue(page.get("has_more").asBoolean());
        JsonNode rest = list(r, "?after=msg_5");
        assertEquals(ids(4, 0), ids(rest));
        assertFalse(rest.get("has_more").asBoolean());
    }

    @Test
    void inputItemsPageAscendingWithLimitAfterAndBefore() {
        StoredResponse r = seed(store, 7);
        List<String> seen = new ArrayList<>();
        String after = "";
        JsonNode page;
        do {
            page = list(r, "?order=asc&limit=3" + after);
            seen.addAll(ids(page));
            after = "&after=" + page.get("last_id").asText();
        } while (page.get("has_more").asBoolean());
        assertEquals(ids(0, 6), seen);
        assertEquals(List.of("msg_0", "msg_1"), ids(list(r, "?order=asc&before=msg_2")));
        JsonNode empty = list(r, "?order=asc&after=msg_6");
        assertEquals(List.of(), ids(empty));
        assertTrue(empty.get("first_id").isNull());
        assertFalse(empty.get("has_more").asBoolean());
    }

    @Test
    void badListQueriesAre400WithTheirParam() {
        StoredResponse r = seed(store, 2);
        String base = "/v1/responses/" + r.id() + "/input_items";
        for (String[] bad : new String[][] {{"?limit=0", "limit"}, {"?limit=101", "limit"}, {"?limit=x", "limit"},
                {"?order=up", "order"}, {"?after=msg_none", "after"}}) {
            HttpResponse<String> res = call("GET", base + bad[0], aliceKey);
            assertEquals(400, res.statusCode(), bad[0] + ": " + res.body());
            JsonNode error = json(res.body()).get("error");
            assertEquals("invalid_request_error", error.get("type").asText());
            assertEquals(bad[1], error.get("param").asText());
        }
    }

    @Test
    void anotherMethodIs405WithAllow() {
        HttpResponse<String> res = call("PUT", "/v1/responses/resp_x", aliceKey);
        assertEquals(405, res.statusCode(), res.body());
        assertEquals("GET, DELETE", res.headers().firstValue("allow").orElse(""));
    }

    @Test
    void aBrowserPageMayDeleteAResponse() {
        StoredResponse r = seed(store, 1);
        String page = "Origin: http://chat.example.test:3000";
        RawHttp.Reply preflight = raw("OPTIONS /v1/responses/" + r.id(), page, "Access-Control-Request-Method: DELETE",
                "Access-Control-Request-Headers: authorization");
        assertEquals(204, preflight.status(), preflight.toString());
        assertTrue(preflight.headers().get("access-control-allow-methods").contains("DELETE"), preflight.toString());
        RawHttp.Reply deleted = raw("DELETE /v1/responses/" + r.id(), page, "Authorization: Bearer " + aliceKey);
        assertEquals(200, deleted.status(), deleted.toString());
        assertEquals("*", deleted.headers().get("access-control-allow-origin"));
    }

    @Test
    void theGatewaysSweepRemovesExpiredResponsesAndKeepsTheRest(@TempDir Path siblingDir) {
        Clock monthAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(31)), ZoneOffset.UTC);
        StoredResponse expired = seed(new PostgresResponseStore(db, ResponsesConfig.defaults(), monthAgo), 1);
        StoredResponse fresh = seed(store, 1);
        // a second instance on this database sweeps at its start, then every minute
        try (RunningGateway sibling = gateway.sibling(siblingDir, c -> c)) {
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (rows(expired.id()) > 0 && System.nanoTime() < end) {
                UsageRows.sleep(100);
            }
            assertEquals(0, rows(expired.id()), "the expired response is still in the table");
            assertEquals(1, rows(fresh.id()));
            assertEquals(200, call("GET", "/v1/responses/" + fresh.id(), aliceKey).statusCode());
        }
    }

    private static int rows(String id) {
        return db.fetchCount(STORED_RESPONSES, STORED_RESPONSES.ID.eq(id));
    }

    private static RawHttp.Reply raw(String requestLine, String... headers) {
        StringBuilder head = new StringBuilder(requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close");
        for (String h : headers) {
            head.append("\r\n").append(h);
        }
        return RawHttp.exchange(gateway.api(), head.toString(), new byte[0]);
    }

    private static void assertNotFound(HttpResponse<String> res, String id) {
        assertEquals(404, res.statusCode(), res.body());
        JsonNode error = json(res.body()).get("error");
        assertEquals("invalid_request_error", error.get("type").asText());
        assertEquals("Response with id '" + id + "' not found.", error.get("message").asText());
        assertTrue(error.has("param") && error.has("code"), res.body());
    }

    private JsonNode list(StoredResponse r, String query) {
        HttpResponse<String> res = call("GET", "/v1/responses/" + r.id() + "/input_items" + query, aliceKey);
        assertEquals(200, res.statusCode(), res.body());
        return json(res.body());
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("data").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    /** msg_from .. msg_to, in that direction. */
    private static List<String> ids(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; from <= to ? i <= to : i >= to; i += from <= to ? 1 : -1) {
            ids.add("msg_" + i);
        }
        return ids;
    }

    /** A response of alice's with {@code items} input messages msg_0.. in input order. */
    private static StoredResponse seed(PostgresResponseStore into, int items) {
        String id = "resp_it" + NEXT.incrementAndGet() + "_" + System.nanoTime();
        var input = RunningGateway.JSON.createArrayNode();
        for (int i = 0; i < items; i++) {
            var item = input.addObject().put("id", "msg_" + i).put("type", "message").put("role", "user");
            item.putArray("content").addObject().put("type", "input_text").put("text", "turn " + i);
        }
        // spacing and key order as an upstream might send them: the GET must return these bytes
        String response = "{\"id\": \"" + id + "\", \"object\": \"response\", \"status\": \"completed\","
                + " \"output\": [], \"model\": \"gpt-4o\"}";
        StoredResponse r = new StoredResponse(id, alice, 1, "gpt-4o", null, input.toString(), response, Instant.now());
        assertTrue(into.save(r));
        return r;
    }

    private HttpResponse<String> call(String method, String path, String key) {
        HttpRequest.Builder req = HttpRequest.newBuilder(gateway.api().resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            req.header("Authorization", "Bearer " + key);
        }
        try {
            return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
