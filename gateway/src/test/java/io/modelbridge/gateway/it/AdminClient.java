package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.testkit.SecretLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Calls to a gateway's admin API ({@code /admin/v1}), in process or in another one. */
public record AdminClient(URI base, String token) {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A call that must succeed; returns the JSON answer. */
    public JsonNode call(String method, String path, Object body) {
        HttpResponse<String> res = send(method, path, body);
        assertTrue(res.statusCode() / 100 == 2, method + " " + path + " -> " + res.statusCode() + " " + res.body());
        try {
            return res.body().isEmpty() ? RunningGateway.JSON.nullNode() : RunningGateway.JSON.readTree(res.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public HttpResponse<String> send(String method, String path, Object body) {
        rememberSecrets(body);
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : RunningGateway.JSON.writeValueAsString(body));
            HttpRequest req = HttpRequest.newBuilder(base.resolve("/admin/v1" + path))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .method(method, publisher)
                    .build();
            HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() / 100 == 2 && res.body().contains("\"key\"")) {
                rememberSecrets(res.body());
            }
            return res;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Channel credentials sent and API keys received go to the {@link SecretLedger}. */
    private static void rememberSecrets(Object body) {
        try {
            JsonNode json = body instanceof JsonNode node ? node
                    : body instanceof String s && s.startsWith("{") ? RunningGateway.JSON.readTree(s) : null;
            if (json != null) {
                for (String field : java.util.List.of("credential", "key")) {
                    if (json.path(field).isTextual()) {
                        SecretLedger.record(json.get(field).asText());
                    }
                }
            }
        } catch (IOException notJson) {
            // nothing to remember
        }
    }

    /** Creates a user with a key and returns the key's secret. */
    public String userWithKey(String user, String... models) {
        call("POST", "/users", RunningGateway.JSON.createObjectNode().put("name", user));
        var key = RunningGateway.JSON.createObjectNode().put("user", user);
        var allowed = key.putArray("models");
        for (String m : models) {
            allowed.add(m);
        }
        return call("POST", "/keys", key).get("key").asText();
    }
}
