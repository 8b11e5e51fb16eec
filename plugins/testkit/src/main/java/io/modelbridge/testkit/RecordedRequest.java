package io.modelbridge.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request as a simulator received it.
 *
 * @param method  the HTTP method
 * @param path    the path, without the query
 * @param query   the raw query string, empty when none
 * @param headers every header, names in lower case
 * @param body    the body as UTF-8 text, empty when none
 * @param json    the body parsed as JSON, or null when it is empty or not JSON
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers,
                              String body, JsonNode json) {
    public RecordedRequest {
        headers = Map.copyOf(headers);
    }

    /** The first value of a header, matched case-insensitively. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
