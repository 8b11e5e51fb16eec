package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.responses.StoredResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Responses API's stored answers: {@code GET} and {@code DELETE /v1/responses/{id}} and {@code GET
 * /v1/responses/{id}/input_items}. Authenticated by the caller's key; a response of another user, or past its
 * retention, is a 404 like one that never existed. No rate limit or quota: no upstream is called and each request is
 * one primary-key look-up of at most MB_RESPONSES_MAX_BYTES.
 */
final class StoredResponsesHandler {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private final ApiServices s;

    StoredResponsesHandler(ApiServices services) {
        this.s = services;
    }

    /** The response object exactly as the client first received it. */
    void get(ServerRequest req, ServerResponse res) {
        StoredResponse stored = owned(req);
        send(res, stored.responseJson().getBytes(StandardCharsets.UTF_8));
    }

    void delete(ServerRequest req, ServerResponse res) {
        Caller caller = caller(req);
        String id = id(req);
        if (!s.responses().delete(id, caller.userId())) {
            throw notFound(id);
        }
        ObjectNode answer = s.json().createObjectNode();
        answer.put("id", id).put("object", "response.deleted").put("deleted", true);
        send(res, answer);
    }

    /** This response's own input items (not those of the responses it continued), a page at a time. */
    void inputItems(ServerRequest req, ServerResponse res) {
        ItemsQuery query = ItemsQuery.of(req);
        StoredResponse stored = owned(req);
        List<JsonNode> inputOrder = new ArrayList<>();
        readTree(stored.inputItemsJson()).forEach(inputOrder::add);
        List<JsonNode> items = query.ascending() ? inputOrder : inputOrder.reversed();
        int from = query.after().map(after -> position(items, after, "after") + 1).orElse(0);
        int to = query.before().map(before -> position(items, before, "before")).orElse(items.size());
        List<JsonNode> page = from >= to ? List.of() : items.subList(from, Math.min(to, from + query.limit()));
        ObjectNode answer = s.json().createObjectNode();
        answer.put("object", "list");
        ArrayNode data = answer.putArray("data");
        page.forEach(data::add);
        answer.put("first_id", page.isEmpty() ? null : page.getFirst().path("id").asText(null));
        answer.put("last_id", page.isEmpty() ? null : page.getLast().path("id").asText(null));
        answer.put("has_more", from + page.size() < to);
        send(res, answer);
    }

    /** The query of input_items: limit 1..100 (20), order asc or desc (desc, as OpenAI), after and before item ids. */
    record ItemsQuery(int limit, boolean ascending, Optional<String> after, Optional<String> before) {
        static ItemsQuery of(ServerRequest req) {
            Optional<String> limit = req.query().first("limit").asOptional();
            Optional<String> order = req.query().first("order").asOptional();
            int n = limit.map(ItemsQuery::limit).orElse(DEFAULT_LIMIT);
            if (order.isPresent() && !order.get().equals("asc") && !order.get().equals("desc")) {
                throw new GatewayException(ApiError.invalidValue(
                        "Invalid 'order': expected 'asc' or 'desc', got '" + order.get() + "'.", "order"));
            }
            return new ItemsQuery(n, order.map("asc"::equals).orElse(false),
                    req.query().first("after").asOptional(), req.query().first("before").asOptional());
        }

        private static int limit(String text) {
            try {
                int n = Integer.parseInt(text);
                if (n >= 1 && n <= MAX_LIMIT) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw new GatewayException(ApiError.invalidValue("Invalid 'limit': expected an integer from 1 to "
                    + MAX_LIMIT + ", got '" + text + "'.", "limit"));
        }
    }

    private static int position(List<JsonNode> items, String id, String param) {
        for (int i = 0; i < items.size(); i++) {
            if (id.equals(items.get(i).path("id").asText(null))) {
                return i;
            }
        }
        throw new GatewayException(ApiError.invalidValue("Invalid '" + param + "': no input item '" + id
                + "' in this response.", param));
    }

    private StoredResponse owned(ServerRequest req) {
        Caller caller = caller(req);
        String id = id(req);
        return s.responses().find(id, caller.userId()).orElseThrow(() -> notFound(id));
    }

    private Caller caller(ServerRequest req) {
        return s.auth().authenticate(req.headers().first(HeaderNames.AUTHORIZATION), ClientAddress.of(req));
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    /** OpenAI's own answer for an unknown id; the same for another user's and an expired one. */
    private static GatewayException notFound(String id) {
        return new GatewayException(ApiError.notFound(null, "Response with id '" + id + "' not found."));
    }

    private JsonNode readTree(String json) {
        try {
            return s.json().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored response's input items are not JSON", e);
        }
    }

    private void send(ServerResponse res, ObjectNode body) {
        try {
            send(res, s.json().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(ServerResponse res, byte[] body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }
}
