package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.function.IntFunction;

/**
 * Requests sent back to back over two connections in turn, as a client that sends its next request the moment it
 * has an answer (a stream: once it has the stream's last event) would on a pool of connections. Each request is
 * written ahead of time but its last byte, which goes the instant the answer before it is read.
 */
public final class BackToBack {
    private BackToBack() {}

    /**
     * Sends {@code count} POSTs to {@code path} with {@code body.apply(i)} for the i-th (from 0), and asserts each was
     * answered 200; a streamed answer is read up to the event that holds {@code lastEvent}.
     */
    public static void answeredInTurn(URI server, String path, String key, int count, IntFunction<String> body,
                                      String lastEvent) {
        try (RawHttp.Connection first = RawHttp.Connection.open(server);
             RawHttp.Connection second = RawHttp.Connection.open(server)) {
            RawHttp.Connection[] connections = {first, second};
            connections[0].prepare(path, key, body.apply(0));
            connections[0].complete();
            for (int i = 1; i <= count; i++) {
                RawHttp.Connection next = connections[i % 2];
                if (i < count) {
                    next.prepare(path, key, body.apply(i));
                }
                RawHttp.Reply answered = connections[(i - 1) % 2].read(lastEvent);
                if (i < count) {
                    next.complete();
                }
                assertEquals(200, answered.status(), "request " + (i - 1) + ": " + answered.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
