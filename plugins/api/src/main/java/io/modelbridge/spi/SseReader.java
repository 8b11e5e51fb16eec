package io.modelbridge.spi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads server-sent events from a vendor's stream, per the WHATWG rules every SSE vendor follows: lines starting
 * with ':' are comments, a blank line ends an event, one space after the field's colon is dropped, several
 * {@code data:} lines are joined with '\n'. Not thread-safe; one reader per stream.
 */
public final class SseReader {
    private final BufferedReader lines;

    public SseReader(InputStream body) {
        this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 8192);
    }

    /** The next event, or empty at the end of the stream. An unterminated last event is dropped, as browsers do. */
    public Optional<SseEvent> next() {
        String event = null;
        String id = null;
        StringBuilder data = null;
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        return Optional.of(new SseEvent(event == null ? "message" : event, data.toString(), id));
                    }
                    event = null;
                    continue;
                }
                if (line.charAt(0) == ':') {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    case "event" -> event = value;
                    case "id" -> id = value;
                    default -> { /* retry and unknown fields are ignored */ }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
