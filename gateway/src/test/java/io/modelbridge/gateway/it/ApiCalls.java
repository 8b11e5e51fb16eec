package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/** Plain HTTP calls to the gateway's OpenAI API, as any client would make them. */
public final class ApiCalls {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;

    public ApiCalls(URI base) {
        this.base = base;
    }

    public HttpResponse<String> post(String path, String key, String body, String... headers) {
        return send(request(path, key, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A chat completion the test expects to be answered: its answer, once a 200 is asserted (the body says why not). */
    public HttpResponse<String> chatOk(String key, String body, String... headers) {
        HttpResponse<String> res = post("/v1/chat/completions", key, body, headers);
        assertEquals(200, res.statusCode(), res.body());
        return res;
    }

    /**
     * A POST that sends {@code Expect: 100-continue} and its body only once the gateway asks for it: a body the gateway
     * refuses from its Content-Length alone is never sent, so its answer cannot be lost to the connection's close.
     */
    public HttpResponse<String> postExpectingContinue(String path, String key, String body) {
        return send(request(path, key).expectContinue(true).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> get(String path, String key) {
        return send(request(path, key).GET().build());
    }

    public HttpResponse<String> delete(String path, String key) {
        return send(request(path, key).DELETE().build());
    }

    /** A POST whose answer is read line by line as it arrives. */
    public HttpResponse<Stream<String>> postStreaming(String path, String key, String body, String... headers) {
        try {
            return http.send(request(path, key, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String chat(String model, String text, boolean stream) {
        var body = RunningGateway.JSON.createObjectNode().put("model", model).put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body.toString();
    }

    public static JsonNode json(String body) {
        try {
            return RunningGateway.JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    /** The JSON payloads of the {@code data:} lines of an SSE body, up to and excluding {@code [DONE]}. */
    public static List<JsonNode> sseEvents(Iterator<String> lines, boolean[] sawDone) {
        List<JsonNode> events = new ArrayList<>();
        while (lines.hasNext()) {
            String line = lines.next();
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                sawDone[0] = true;
                break;
            }
            events.add(json(data));
        }
        return events;
    }

    /** The concatenated delta contents of streamed chunks. */
    public static String text(List<JsonNode> events) {
        StringBuilder text = new StringBuilder();
        for (JsonNode event : events) {
            for (JsonNode choice : event.path("choices")) {
                text.append(choice.path("delta").path("content").asText(""));
            }
        }
        return text.toString();
    }

    private HttpRequest.Builder request(String path, String key, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json");
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
