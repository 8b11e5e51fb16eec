package io.modelbridge.admin.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CancellationException;

/** The admin API ({@code /admin/v1}) over java.net.http: JSON in and out, errors as exceptions. */
public final class AdminClient {
    public static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String PREFIX = "/admin/v1";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final Connection connection;
    private final HttpClient http;
    /** Changes (POST, PUT, PATCH) carry {@code dry_run=true}: the gateway checks them and stores nothing. */
    private final boolean dryRun;

    public AdminClient(Connection connection) {
        this(connection, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build(), false);
    }

    private AdminClient(Connection connection, HttpClient http, boolean dryRun) {
        this.connection = connection;
        this.http = http;
        this.dryRun = dryRun;
    }

    /**
     * The same gateway, its changes made as dry runs: the admin API runs each with its own validation and database
     * checks, answers as it would, and rolls it back.
     */
    public AdminClient dryRun() {
        return new AdminClient(connection, http, true);
    }

    public Connection connection() {
        return connection;
    }

    public JsonNode get(String path) {
        return send("GET", path, null, TIMEOUT);
    }

    public JsonNode post(String path, JsonNode body) {
        return send("POST", path, body, TIMEOUT);
    }

    /** A POST with extra request headers: its answer, and whether it replays an earlier request with the same key. */
    public Answer post(String path, JsonNode body, Map<String, String> headers) {
        HttpResponse<String> response = exchange("POST", path, body, TIMEOUT, headers);
        return new Answer(parse(response), response.headers().firstValue("Idempotent-Replayed")
                .map("true"::equalsIgnoreCase).orElse(false));
    }

    /** An answer's body, and whether the gateway replayed an earlier request's effect (its Idempotency-Key). */
    public record Answer(JsonNode body, boolean replayed) {}

    /** A POST that may take as long as an upstream model call (a channel test). */
    public JsonNode postSlow(String path, JsonNode body, Duration timeout) {
        return send("POST", path, body, timeout);
    }

    public JsonNode put(String path, JsonNode body) {
        return send("PUT", path, body, TIMEOUT);
    }

    public JsonNode patch(String path, JsonNode body) {
        return send("PATCH", path, body, TIMEOUT);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null, TIMEOUT);
    }

    /** One path segment, percent-encoded. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code path?k=v&...} for the entries whose value is not null. */
    public static String withQuery(String path, Map<String, ?> params) {
        StringJoiner query = new StringJoiner("&");
        new LinkedHashMap<>(params).forEach((k, v) -> {
            if (v != null) {
                query.add(k + "=" + URLEncoder.encode(v.toString(), StandardCharsets.UTF_8));
            }
        });
        return query.length() == 0 ? path : path + "?" + query;
    }

    private JsonNode send(String method, String path, JsonNode body, Duration timeout) {
        return parse(exchange(method, path, body, timeout, Map.of()));
    }

    private HttpResponse<String> exchange(String method, String path, JsonNode body, Duration timeout,
                                          Map<String, String> headers) {
        if (dryRun && !method.equals("GET")) {
            path = path + (path.contains("?") ? "&" : "?") + "dry_run=true";
        }
        URI uri = URI.create(connection.server() + PREFIX + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(text(body)))
                .header("Accept", "application/json");
        connection.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw unreachable("connection refused or timed out", e);
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("cancelled");
        }
    }

    private JsonNode parse(HttpResponse<String> response) {
        JsonNode json;
        try {
            json = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new UnreachableException("the server at " + connection.display() + " answered HTTP "
                    + response.statusCode() + " without JSON: is it a ModelBridge admin API?", e);
        }
        if (response.statusCode() / 100 == 2) {
            return json;
        }
        if (!json.path("error").isObject()) {
            throw new UnreachableException("the server at " + connection.display() + " answered HTTP "
                    + response.statusCode() + " without an error body: is it a ModelBridge admin API?", null);
        }
        if ("unknown_url".equals(json.at("/error/code").asText())) { // the admin API answers not_found instead
            throw new UnreachableException("the server at " + connection.display() + " is not a ModelBridge admin API: "
                    + "it answered '" + json.at("/error/message").asText() + "' (the OpenAI API port? The admin API "
                    + "listens on MB_ADMIN_PORT, 8081 by default).", null);
        }
        throw new ApiException(response.statusCode(), json.path("error"));
    }

    private UnreachableException unreachable(String why, Exception cause) {
        return new UnreachableException("cannot reach the admin API at " + connection.server() + " (" + why
                + "); is the gateway running? Set --server or MB_SERVER.", cause);
    }

    private static String text(JsonNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
