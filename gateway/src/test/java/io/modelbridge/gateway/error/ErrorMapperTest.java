package io.modelbridge.gateway.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.NotFoundException;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import java.sql.SQLTransientConnectionException;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

/**
 * The one mapper, as every route uses it ({@code .error(Throwable.class, ...)} then the dialect's ErrorShape), on
 * Helidon's in-memory routing: each kind of failure becomes its status, OpenAI-shaped body and headers, and an
 * unforeseen one never shows its text.
 */
@RoutingTest
class ErrorMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DirectClient client;

    ErrorMapperTest(DirectClient client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ErrorMapper mapper = new ErrorMapper();
        ErrorShape errors = new ErrorWriter(JSON);
        routing.get("/refused", (req, res) -> {
                    throw new GatewayException(ApiError.forbidden("model_not_allowed", "Not this model."));
                })
                .get("/outage", (req, res) -> {
                    throw new DataAccessException("pool", new SQLTransientConnectionException("no connection"));
                })
                .get("/duplicate", (req, res) -> {
                    throw new DataAccessException("dup", new java.sql.SQLException("duplicate key", "23505"));
                })
                .get("/missing", (req, res) -> {
                    throw new NotFoundException("nothing here");
                })
                .get("/bug", (req, res) -> {
                    throw new IllegalStateException("secret-ish internals: sk-live-123");
                })
                .error(Throwable.class, (req, res, e) -> errors.write(res, mapper.map(req, e, "req_test")));
    }

    @Test
    void aGatewayExceptionIsShownAsItIs() throws Exception {
        JsonNode error = call("/refused", 403);
        assertEquals("permission_error", error.get("type").asText());
        assertEquals("model_not_allowed", error.get("code").asText());
    }

    @Test
    void aDatabaseOutageIsA503ToRetry() throws Exception {
        try (Http1ClientResponse res = client.get("/outage").request()) {
            assertEquals(503, res.status().code());
            assertEquals("2", res.headers().first(HeaderNames.RETRY_AFTER).orElseThrow());
            assertEquals(DatabaseOutage.CODE, body(res).get("code").asText());
        }
    }

    @Test
    void aUniqueViolationIsAConflict() throws Exception {
        assertEquals("conflict", call("/duplicate", 409).get("code").asText());
    }

    @Test
    void aPathNoRouteServesIsUnknownUrl() throws Exception {
        JsonNode error = call("/missing", 404);
        assertEquals("unknown_url", error.get("code").asText());
        assertEquals("Unknown request URL: GET /missing.", error.get("message").asText());
    }

    @Test
    void anUnforeseenFailureIsA500NamingTheRequestNotTheFailure() throws Exception {
        JsonNode error = call("/bug", 500);
        assertEquals("internal_error", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("req_test"), error.toString());
        assertFalse(error.toString().contains("sk-live"), error.toString());
    }

    private JsonNode call(String path, int status) throws Exception {
        try (Http1ClientResponse res = client.get(path).request()) {
            assertEquals(status, res.status().code());
            assertEquals("application/json", res.headers().first(HeaderNames.CONTENT_TYPE).orElseThrow());
            return body(res);
        }
    }

    private static JsonNode body(Http1ClientResponse res) throws Exception {
        JsonNode root = JSON.readTree(res.as(String.class));
        assertEquals(4, root.get("error").size(), "message, type, param, code: " + root);
        return root.get("error");
    }
}
