package io.modelbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.config.ListenerConfig;
import io.modelbridge.gateway.error.ErrorWriter;
import io.modelbridge.gateway.error.TransportErrors;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The public listener starts itself again, on the same port, when its server is gone (as after Helidon's accept loop
 * ends on "Too many open files"; DescriptorExhaustionIT causes that for real in the packaged gateway), with nobody
 * asking it to: no housekeeping step, which a database hung on a silent connection could hold up.
 */
@Timeout(30)
class PublicListenerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Test
    void aListenerWhoseServerIsGoneListensAgainOnTheSamePortByItself() throws Exception {
        try (PublicListener listener = new PublicListener("127.0.0.1", 0, ListenerConfig.defaults(),
                Duration.ofMillis(100), TransportErrors.handlers(new ErrorWriter(new ObjectMapper())),
                r -> r.get("/ping", (req, res) -> res.send("pong")))) {
            int port = listener.port();
            assertEquals("pong", ping(port));

            listener.server().stop();
            long stoppedAt = System.nanoTime();
            String answer = null;
            while (answer == null && System.nanoTime() - stoppedAt < TimeUnit.SECONDS.toNanos(5)) {
                Thread.sleep(50);
                answer = tryPing(port);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
            assertEquals("pong", answer, "listening again within 5 s of the stop");
            assertTrue(millis < 2 * PublicListener.WATCH_EVERY.toMillis() + 1000, "after " + millis + " ms");
            assertEquals(port, listener.port());
        }
    }

    private static String tryPing(int port) {
        try {
            return ping(port);
        } catch (Exception refused) {
            return null;
        }
    }

    private static String ping(int port) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        return res.body();
    }
}
