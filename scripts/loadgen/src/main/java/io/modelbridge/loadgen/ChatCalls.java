package io.modelbridge.loadgen;

import java.io.IOException;

/** One worker's non-streamed chat requests on its own keep-alive connection, counted into its tally. */
final class ChatCalls {
    final Tally tally = new Tally();
    private final ClientConnection connection;
    private final BodyCapture body = new BodyCapture();
    private final byte[] request;

    ChatCalls(Target target) {
        this.connection = new ClientConnection(target.address());
        this.request = target.chat();
    }

    /** Connects before the phase starts, so the first request does not pay for it. */
    void connect() {
        try {
            connection.connect();
        } catch (IOException e) {
            tally.error(e);
        }
    }

    /** Sends one request and reads its answer; a success's latency counts from {@code sinceNanos}. */
    void call(long sinceNanos) {
        body.reset();
        try {
            int status = connection.exchange(request, body);
            long latency = System.nanoTime() - sinceNanos;
            if (status == 200) {
                tally.ok++;
                tally.latencies.recordValue(latency);
            } else {
                tally.error("HTTP " + status + ": " + body.text());
            }
        } catch (IOException | RuntimeException e) {
            tally.error(e);
        }
    }

    void close() {
        connection.close();
    }
}
