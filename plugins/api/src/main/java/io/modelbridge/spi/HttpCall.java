package io.modelbridge.spi;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An HTTP request to a vendor. {@code body} may be empty for GET. */
public record HttpCall(String method, URI uri, Map<String, String> headers, byte[] body) {
    public HttpCall {
        headers = Map.copyOf(headers);
    }

    /** A JSON POST. */
    public static HttpCall postJson(URI uri, Map<String, String> headers, String json) {
        var all = new java.util.HashMap<>(headers);
        all.put("Content-Type", "application/json");
        return new HttpCall("POST", uri, all, json.getBytes(StandardCharsets.UTF_8));
    }
}
