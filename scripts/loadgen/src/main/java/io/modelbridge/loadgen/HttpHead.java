package io.modelbridge.loadgen;

import java.io.EOFException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The start line and headers (names in lower case) of one HTTP/1.1 request or response. */
record HttpHead(String startLine, Map<String, String> headers) {

    /** Reads a head; null when the peer closed the connection cleanly before a new message. */
    static HttpHead read(HttpInput in) throws IOException {
        String start = in.readLine();
        if (start == null) {
            return null;
        }
        Map<String, String> headers = new HashMap<>();
        for (String line = in.readLine(); ; line = in.readLine()) {
            if (line == null) {
                throw new EOFException("connection closed inside the headers");
            }
            if (line.isEmpty()) {
                return new HttpHead(start, headers);
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
    }

    String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    /** The status code of a response head. */
    int status() throws IOException {
        int space = startLine.indexOf(' ');
        try {
            return Integer.parseInt(startLine.substring(space + 1, space + 4));
        } catch (RuntimeException e) {
            throw new IOException("not an HTTP status line: " + startLine);
        }
    }

    long contentLength() {
        String value = header("content-length");
        return value == null ? -1 : Long.parseLong(value);
    }

    boolean chunked() {
        String value = header("transfer-encoding");
        return value != null && value.toLowerCase(Locale.ROOT).contains("chunked");
    }

    boolean closes() {
        String value = header("connection");
        return value != null && value.equalsIgnoreCase("close");
    }

    /** True when the body runs until the connection closes (a response with neither length nor chunking). */
    boolean bodyUntilClose() {
        return !chunked() && contentLength() < 0;
    }
}
