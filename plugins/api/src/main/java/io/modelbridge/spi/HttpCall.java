package io.modelbridge.spi;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** An HTTP request to a vendor. {@code body} may be empty for GET. */
public record HttpCall(String method, URI uri, Map<String, String> headers, byte[] body) {
    private static final String CONTENT_TYPE = "Content-Type";
    private static final String JSON = "application/json";

    public HttpCall {
        headers = Map.copyOf(headers);
    }

    /** A JSON POST. */
    public static HttpCall postJson(URI uri, Map<String, String> headers, String json) {
        return new HttpCall("POST", uri, withJsonContentType(headers), json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code headers} and a JSON Content-Type, in one immutable copy (the constructor's Map.copyOf keeps it). */
    @SuppressWarnings("unchecked")
    private static Map<String, String> withJsonContentType(Map<String, String> headers) {
        if (headers.containsKey(CONTENT_TYPE)) {
            var all = new HashMap<>(headers);
            all.put(CONTENT_TYPE, JSON);
            return all;
        }
        Map.Entry<String, String>[] entries = new Map.Entry[headers.size() + 1];
        int i = 0;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            entries[i++] = Map.entry(header.getKey(), header.getValue());
        }
        entries[i] = Map.entry(CONTENT_TYPE, JSON);
        return Map.ofEntries(entries);
    }
}
