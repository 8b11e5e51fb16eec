package io.modelbridge.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads server-sent events from a vendor's stream, per the WHATWG rules every SSE vendor follows: lines end with
 * CRLF, LF or CR, lines starting with ':' are comments, a blank line ends an event, one space after the field's
 * colon is dropped, several {@code data:} lines are joined with '\n'. Not thread-safe; one reader per stream.
 *
 * <p>It splits lines on the raw bytes (CR and LF never occur inside a UTF-8 sequence) and decodes each line on its
 * own, malformed bytes becoming U+FFFD as with a decoding reader. Its buffer starts at {@value #INITIAL_BUFFER}
 * bytes and grows only for longer lines: a gateway holding thousands of open streams keeps one such reader per
 * stream, and a {@code BufferedReader} over an {@code InputStreamReader} would hold 24 KiB each (8,192 chars and
 * 8,192 bytes) for events that are a few hundred bytes long. A line longer than
 * {@link UpstreamLimits#MAX_SSE_LINE_BYTES} bytes, or an event whose data is longer than twice that in characters, is
 * a {@code PROTOCOL} failure: the buffer never grows past the bound.
 */
public final class SseReader {
    static final int INITIAL_BUFFER = 512;
    static final int MAX_LINE_BYTES = UpstreamLimits.MAX_SSE_LINE_BYTES;
    static final int MAX_EVENT_CHARS = 2 * UpstreamLimits.MAX_SSE_LINE_BYTES;
    private final InputStream body;
    private byte[] buf = new byte[INITIAL_BUFFER];
    private int start; // first unread byte
    private int end; // one past the last byte read
    private boolean eof;
    private boolean skipLf; // the last line ended with CR: a LF right after it belongs to that line end

    public SseReader(InputStream body) {
        this.body = body;
    }

    /** The next event, or empty at the end of the stream. An unterminated last event is dropped, as browsers do. */
    public Optional<SseEvent> next() {
        String event = null;
        String id = null;
        StringBuilder data = null;
        try {
            for (String line = readLine(); line != null; line = readLine()) {
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
                    case "data" -> data = appendData(data, value);
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

    private static StringBuilder appendData(StringBuilder data, String value) {
        if (data == null) {
            return new StringBuilder(value);
        }
        if (data.length() + 1 + value.length() > MAX_EVENT_CHARS) {
            throw UpstreamLimits.exceeded("an SSE event longer than " + MAX_EVENT_CHARS + " characters");
        }
        return data.append('\n').append(value);
    }

    /** The next line without its terminator; at the end of the stream the unterminated rest, or null when none. */
    private String readLine() throws IOException {
        int scanned = 0; // bytes after start already known to hold no line end
        while (true) {
            if (skipLf && start < end) {
                skipLf = false;
                if (buf[start] == '\n') {
                    start++;
                }
            }
            for (int i = start + scanned; i < end; i++) {
                byte b = buf[i];
                if (b == '\n' || b == '\r') {
                    String line = new String(buf, start, i - start, StandardCharsets.UTF_8);
                    start = i + 1;
                    skipLf = b == '\r';
                    return line;
                }
            }
            scanned = end - start;
            if (eof || !fill()) {
                if (start == end) {
                    return null;
                }
                String rest = new String(buf, start, end - start, StandardCharsets.UTF_8);
                start = end;
                return rest;
            }
        }
    }

    /**
     * Blocks until at least one byte more is read (true) or the stream ends (false). The unread bytes move to the
     * front first; the buffer doubles when full and falls back to its first size once a long line is consumed.
     */
    private boolean fill() throws IOException {
        if (start == end && buf.length > INITIAL_BUFFER) {
            buf = new byte[INITIAL_BUFFER];
        } else if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
        }
        end -= start;
        start = 0;
        if (end == buf.length) {
            if (buf.length >= MAX_LINE_BYTES) {
                throw UpstreamLimits.exceeded("an SSE line longer than " + MAX_LINE_BYTES + " bytes");
            }
            buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_LINE_BYTES));
        }
        int n;
        do {
            n = body.read(buf, end, buf.length - end);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        end += n;
        return true;
    }
}
