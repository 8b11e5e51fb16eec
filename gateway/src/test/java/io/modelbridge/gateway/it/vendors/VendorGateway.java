package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.RunningGateway;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A running gateway set up for one vendor the way an operator would: channels and aliases through the admin API,
 * calls through the OpenAI API over HTTP. Shared by the vendor ITs of this package.
 */
final class VendorGateway implements AutoCloseable {
    final RunningGateway gateway;
    final ApiCalls api;
    final String key;

    VendorGateway(Path dataDir) {
        gateway = RunningGateway.start(dataDir, RunningGateway::exposingRouting);
        api = new ApiCalls(gateway.api());
        key = gateway.userWithKey("vendor-it");
    }

    /** A channel of {@code provider} at {@code baseUrl} with {@code credential}. */
    void channel(String name, String provider, URI baseUrl, String credential, List<String> models) {
        gateway.channel(name, provider, baseUrl.toString(), credential, models.toArray(String[]::new));
    }

    /** An alias clients call by {@code name}, served by {@code channel}'s {@code upstreamModel}. */
    void alias(String name, String channel, String upstreamModel) {
        gateway.alias(name, channel, upstreamModel);
    }

    /** The admin API's plugin listing entry of {@code pluginId}, which must be started. */
    JsonNode plugin(String pluginId) {
        for (JsonNode plugin : gateway.admin("GET", "/plugins", null).path("data")) {
            if (plugin.path("id").asText().equals(pluginId)) {
                assertEquals("STARTED", plugin.path("state").asText(), plugin.toString());
                return plugin;
            }
        }
        throw new AssertionError("plugin " + pluginId + " is not listed");
    }

    HttpResponse<String> chat(String body) {
        return api.post("/v1/chat/completions", key, body);
    }

    /** A streamed chat: the JSON events up to {@code [DONE]}, which must be there. */
    List<JsonNode> stream(String body) {
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/chat/completions", key, body);
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        boolean[] done = {false};
        List<JsonNode> events = ApiCalls.sseEvents(res.body().iterator(), done);
        assertTrue(done[0], "data: [DONE] ends the stream: " + events);
        return events;
    }

    /** A chat request body with one user message; {@code include_usage} when streaming. */
    static ObjectNode ask(String model, String text, boolean stream) {
        ObjectNode body = (ObjectNode) json(ApiCalls.chat(model, text, stream));
        if (stream) {
            body.putObject("stream_options").put("include_usage", true);
        }
        return body;
    }

    /** The same request offering {@code get_weather(city)}. */
    static ObjectNode withWeatherTool(ObjectNode body) {
        ObjectNode function = body.putArray("tools").addObject().put("type", "function").putObject("function")
                .put("name", "get_weather").put("description", "Current weather in a city");
        ObjectNode parameters = function.putObject("parameters").put("type", "object");
        parameters.putObject("properties").putObject("city").put("type", "string");
        parameters.putArray("required").add("city");
        return body;
    }

    /** Concatenates one delta field ({@code content}, {@code reasoning_content}) over streamed chunks. */
    static String joined(List<JsonNode> events, String field) {
        StringBuilder text = new StringBuilder();
        for (JsonNode event : events) {
            for (JsonNode choice : event.path("choices")) {
                text.append(choice.path("delta").path(field).asText(""));
            }
        }
        return text.toString();
    }

    /** Asserts OpenAI's error shape, the status and the code (null: JSON null); returns the {@code error} object. */
    static JsonNode assertError(HttpResponse<String> res, int status, String code) {
        assertEquals(status, res.statusCode(), res.body());
        JsonNode error = json(res.body()).get("error");
        assertTrue(error != null && error.isObject(), res.body());
        for (String field : List.of("message", "type", "param", "code")) {
            assertTrue(error.has(field), "error has " + field + ": " + res.body());
        }
        if (code == null) {
            assertTrue(error.get("code").isNull(), res.body());
        } else {
            assertEquals(code, error.get("code").asText(), res.body());
        }
        assertFalse(res.body().contains("Exception") || res.body().contains("\tat "), "no stack trace: " + res.body());
        return error;
    }

    /**
     * The vendor account of {@code channel} has no balance or quota left: 503 {@code upstream_quota_exhausted}
     * naming the channel in x-modelbridge-channel (MB_EXPOSE_ROUTING is on here), never a 401 (the caller's key is fine) and no Retry-After (waiting does not pay the bill).
     */
    static JsonNode assertQuotaExhausted(HttpResponse<String> res, String channel) {
        JsonNode error = assertError(res, 503, "upstream_quota_exhausted");
        assertEquals(channel, res.headers().firstValue("x-modelbridge-channel").orElse(""), "names the channel to top up");
        assertTrue(res.headers().firstValue("retry-after").isEmpty(), "no Retry-After: " + res.headers());
        return error;
    }

    /** The usage object of a streamed answer's last chunk, checked to add up. */
    static JsonNode streamUsage(List<JsonNode> events) {
        JsonNode last = events.getLast();
        assertTrue(last.get("choices").isEmpty(), "the usage chunk has no choices: " + last);
        JsonNode usage = last.get("usage");
        assertTrue(usage.path("prompt_tokens").asInt() > 0 && usage.path("completion_tokens").asInt() > 0, last.toString());
        assertEquals(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt(),
                usage.path("total_tokens").asInt());
        return usage;
    }

    @Override
    public void close() {
        gateway.close();
    }
}
