package io.modelbridge.gateway.upstream;

import java.io.IOException;

/**
 * An upstream's answer that breaks HTTP/1.1 framing or one of the client's bounds (a header block over 16 KiB, a bad
 * chunk size, conflicting Content-Lengths): classified UNAVAILABLE like any other broken connection.
 */
final class UpstreamProtocolException extends IOException {
    UpstreamProtocolException(String message) {
        super(message);
    }
}
