package io.modelbridge.loadgen;

import java.io.EOFException;
import java.io.IOException;

/** Reads one message body (Content-Length, chunked, or until close) into a sink, without copying. */
final class HttpBody {
    private HttpBody() {}

    /** {@code untilClose}: a response without length or chunking runs to the end of the connection. */
    static void read(HttpInput in, HttpHead head, HttpInput.Sink sink, boolean untilClose) throws IOException {
        if (head.chunked()) {
            readChunked(in, sink);
        } else if (head.contentLength() >= 0) {
            readExactly(in, head.contentLength(), sink);
        } else if (untilClose) {
            while (in.transfer(Long.MAX_VALUE, sink) >= 0) {
                // the sink has the bytes
            }
        }
    }

    private static void readChunked(HttpInput in, HttpInput.Sink sink) throws IOException {
        while (true) {
            String sizeLine = in.readLine();
            if (sizeLine == null) {
                throw new EOFException("connection closed before the next chunk");
            }
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
            if (size == 0) {
                for (String trailer = in.readLine(); trailer != null && !trailer.isEmpty(); trailer = in.readLine()) {
                    // trailers are ignored
                }
                return;
            }
            readExactly(in, size, sink);
            in.readLine();
        }
    }

    private static void readExactly(HttpInput in, long length, HttpInput.Sink sink) throws IOException {
        long left = length;
        while (left > 0) {
            int n = in.transfer(left, sink);
            if (n < 0) {
                throw new EOFException("connection closed with " + left + " body bytes missing");
            }
            left -= n;
        }
    }
}
