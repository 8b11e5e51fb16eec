package io.modelbridge.admin;

import io.modelbridge.gateway.it.RunningGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Calls the test gateway's OpenAI API, to see that what mbctl set up works for clients. */
final class GatewayApi {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private GatewayApi() {}

    static HttpResponse<String> models(String key) {
        return send(HttpRequest.newBuilder(gateway().api().resolve("/v1/models"))
                .header("Authorization", "Bearer " + key).GET());
    }

    static HttpResponse<String> chat(String key, String model, String text) {
        String body = RunningGateway.JSON.createObjectNode().put("model", model)
                .set("messages", RunningGateway.JSON.createArrayNode().add(RunningGateway.JSON.createObjectNode()
                        .put("role", "user").put("content", text))).toString();
        return send(HttpRequest.newBuilder(gateway().api().resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** An Anthropic Messages call ({@code POST /v1/messages}, the key in x-api-key). */
    static HttpResponse<String> messages(String key, String model, String text) {
        var body = RunningGateway.JSON.createObjectNode().put("model", model).put("max_tokens", 64);
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return send(HttpRequest.newBuilder(gateway().api().resolve("/v1/messages"))
                .header("x-api-key", key).header("anthropic-version", "2023-06-01")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private static RunningGateway gateway() {
        return TestGateway.get().gateway;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
