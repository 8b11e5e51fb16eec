package io.modelbridge.provider.ernie;

import io.modelbridge.spi.UpstreamLimits;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The lines of ERNIE's stream, each at most {@link UpstreamLimits#MAX_SSE_LINE_BYTES} bytes: a longer one is a
 * protocol failure, where {@code BufferedReader.readLine} would grow without bound on a line that never ends.
 */
final class ErnieLines {
    private static final int KEPT_CAPACITY = 64 * 1024;
    private final InputStream in;
    private ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    ErnieLines(InputStream body) {
        this.in = new BufferedInputStream(body, 8192);
    }

    /** The next line without its LF or CRLF, or null at the end of the stream. */
    String next() throws IOException {
        if (line.size() > KEPT_CAPACITY) {
            line = new ByteArrayOutputStream(256); // a long line's buffer is not kept for the rest of the stream
        }
        line.reset();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() >= UpstreamLimits.MAX_SSE_LINE_BYTES) {
                throw UpstreamLimits.exceeded("a stream line longer than " + UpstreamLimits.MAX_SSE_LINE_BYTES + " bytes");
            }
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
