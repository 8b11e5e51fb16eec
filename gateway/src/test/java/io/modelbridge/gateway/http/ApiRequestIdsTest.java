package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One request, one id: the id the {@link ApiRequestIds} filter puts in the answer's headers is the one the
 * pipeline's {@link Exchange} records in the usage row (Helidon's in-memory routing, the real filter).
 */
@RoutingTest
class ApiRequestIdsTest {
    private final DirectClient client;

    ApiRequestIdsTest(DirectClient client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        routing.addFilter(new ApiRequestIds())
                // what the pipeline does first: start the exchange, whose id names the usage row
                .get("/v1/exchange", (req, res) -> {
                    Exchange exchange = Exchange.start(req, Instant.EPOCH);
                    res.send(exchange.requestId + " " + exchange.clientRequestId);
                });
    }

    @Test
    void theExchangeRecordsTheIdTheAnswerCarries() {
        ClientResponseTyped<String> res = client.get("/v1/exchange").request(String.class);
        String own = res.headers().first(HeaderNames.create("x-modelbridge-request-id")).orElseThrow();
        assertTrue(own.startsWith("req_"), own);
        assertEquals(own, res.headers().first(HeaderNames.create("x-request-id")).orElseThrow());
        assertEquals(own + " null", res.entity(), "the usage row's id is the answer's");
    }

    /** Usage rows are keyed by these ids: later requests' ids sort after earlier ones' (issue 16). */
    @Test
    void idsOfLaterRequestsSortAfterEarlierOnes() throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(client.get("/v1/exchange").request(String.class).headers()
                    .first(HeaderNames.create("x-modelbridge-request-id")).orElseThrow());
            Thread.sleep(2);
        }
        assertEquals(ids.stream().sorted().toList(), ids, "in the order they were drawn");
        assertTrue(ids.getFirst().matches("req_[A-Za-z0-9_-]{24}"), ids.getFirst());
    }

    @Test
    void theClientsIdIsKeptBesideOurs() {
        ClientResponseTyped<String> res = client.get("/v1/exchange").header(HeaderNames.create("x-request-id"),
                "client-7").request(String.class);
        String own = res.headers().first(HeaderNames.create("x-modelbridge-request-id")).orElseThrow();
        assertEquals("client-7", res.headers().first(HeaderNames.create("x-request-id")).orElseThrow());
        assertEquals(own + " client-7", res.entity());
    }
}
