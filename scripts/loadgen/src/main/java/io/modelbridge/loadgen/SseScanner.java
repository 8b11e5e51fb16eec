package io.modelbridge.loadgen;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Splits one streamed body into server-sent events as the bytes arrive and reports each one with its arrival time.
 * A <em>content</em> event carries a non-empty {@code "content":"..."} delta, so a relay's extra role-only or
 * finish chunks do not count as chunks of text. The same code reads all three paths.
 */
final class SseScanner implements HttpInput.Sink {
    private static final byte[] CONTENT = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);
    private final Listener listener;
    private final byte[] event = new byte[8192];
    private int length;
    private byte previous;

    /** Called once per complete event. */
    interface Listener {
        void event(long arrivedNanos, boolean content, boolean done);
    }

    SseScanner(Listener listener) {
        this.listener = listener;
    }

    /** Forgets a partial event (before a new response). */
    void reset() {
        length = 0;
        previous = 0;
    }

    /** The next bytes of the body, as the JDK client hands them over, all arrived at {@code nanos}. */
    void accept(ByteBuffer bytes, long nanos) {
        for (int i = bytes.position(); i < bytes.limit(); i++) {
            take(bytes.get(i), nanos);
        }
    }

    /** The next bytes of the body, as {@link ClientConnection} reads them, all arrived at {@code nanos}. */
    @Override
    public void accept(byte[] bytes, int offset, int count, long nanos) {
        for (int i = offset; i < offset + count; i++) {
            take(bytes[i], nanos);
        }
    }

    private void take(byte b, long nanos) {
        if (b == '\r') {
            return;
        }
        if (b == '\n' && previous == '\n') {
            listener.event(nanos, contains(CONTENT, true), startsWith(DONE));
            reset();
            return;
        }
        if (length < event.length) {
            event[length++] = b;
        }
        previous = b;
    }

    private boolean startsWith(byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (event[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the event holds the needle; with {@code nonEmpty}, followed by something other than a quote. */
    private boolean contains(byte[] needle, boolean nonEmpty) {
        outer:
        for (int i = 0; i + needle.length < length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (event[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return !nonEmpty || event[i + needle.length] != '"';
        }
        return false;
    }
}
