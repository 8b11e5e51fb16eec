package io.modelbridge.loadgen;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Splits one streamed body into server-sent events as the bytes arrive and reports each one with its arrival time.
 * A <em>content</em> event carries a non-empty {@code "content":"..."} delta, so a relay's extra role-only or
 * finish chunks do not count as chunks of text. The same code reads all three paths.
 */
final class SseScanner {
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

    /** The next bytes of the body, all arrived at {@code nanos}. */
    void accept(ByteBuffer bytes, long nanos) {
        for (int i = bytes.position(); i < bytes.limit(); i++) {
            byte b = bytes.get(i);
            if (b == '\r') {
                continue;
            }
            if (b == '\n' && previous == '\n') {
                listener.event(nanos, contains(CONTENT, true), startsWith(DONE));
                length = 0;
                previous = 0;
                continue;
            }
            if (length < event.length) {
                event[length++] = b;
            }
            previous = b;
        }
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
