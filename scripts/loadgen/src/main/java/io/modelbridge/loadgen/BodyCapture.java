package io.modelbridge.loadgen;

import java.nio.charset.StandardCharsets;

/** Keeps the first bytes of a response body, for the report of a refused request, and drops the rest. */
final class BodyCapture implements HttpInput.Sink {
    private final byte[] head = new byte[300];
    private int kept;

    void reset() {
        kept = 0;
    }

    @Override
    public void accept(byte[] bytes, int offset, int length, long nanos) {
        int n = Math.min(length, head.length - kept);
        System.arraycopy(bytes, offset, head, kept, n);
        kept += n;
    }

    String text() {
        return new String(head, 0, kept, StandardCharsets.UTF_8);
    }
}
