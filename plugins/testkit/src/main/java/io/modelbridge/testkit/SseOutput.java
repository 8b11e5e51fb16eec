package io.modelbridge.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@code data: ...} server-sent events to a response stream, flushing each one so that events arrive
 * spaced, as a vendor's do. A write to a client that went away throws {@link ClientGone}.
 */
public final class SseOutput {
    private final OutputStream out;
    private int events;

    public SseOutput(OutputStream out) {
        this.out = out;
    }

    /** The client closed the connection while the simulator was writing. */
    public static final class ClientGone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClientGone(Throwable cause) {
            super("client closed the stream", cause, false, false);
        }
    }

    /** One {@code data:} event holding {@code data} (one line of JSON, or {@code [DONE]}). */
    public void data(String data) {
        write("data: " + data + "\n\n");
        events++;
    }

    /** A raw frame, written as is (comments, named events, malformed data). */
    public void raw(String frame) {
        write(frame);
    }

    /** Events written so far. */
    public int events() {
        return events;
    }

    private void write(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | UncheckedIOException e) {
            throw new ClientGone(e);
        } catch (RuntimeException e) {
            // Helidon reports a closed socket with its own unchecked exceptions (ServerConnectionException, ...).
            throw new ClientGone(e);
        }
    }
}
