package io.modelbridge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.WebSocketSession;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DirectTransport's WebSocket against a real Helidon WebSocket server. */
class DirectWebSocketTest {
    private static WebServer server;
    private static DirectTransport transport;

    @BeforeAll
    static void start() {
        WsListener echo = new WsListener() {
            @Override
            public void onMessage(WsSession session, String text, boolean last) {
                switch (text) {
                    case "silence" -> { }
                    case "bye" -> session.close(1000, "bye");
                    default -> {
                        session.send("echo:" + text, true);
                        session.send("again:" + text, true);
                    }
                }
            }
        };
        server = WebServer.builder().host("127.0.0.1").port(0)
                .addRouting(WsRouting.builder().endpoint("/ws", echo)).build().start();
        transport = new DirectTransport(Duration.ofSeconds(1), Duration.ofMillis(300));
    }

    @AfterAll
    static void stop() {
        transport.close();
        server.stop();
    }

    @Test
    void messagesArriveInOrderAndServerCloseEndsTheSession() {
        try (WebSocketSession ws = transport.openWebSocket(uri("/ws"), Map.of("X-Test", "1"))) {
            ws.sendText("你好");
            assertEquals(Optional.of("echo:你好"), ws.receiveText());
            assertEquals(Optional.of("again:你好"), ws.receiveText());
            ws.sendText("bye");
            assertEquals(Optional.empty(), ws.receiveText());
            assertEquals(Optional.empty(), ws.receiveText());
        }
    }

    @Test
    void silenceTimesOut() {
        try (WebSocketSession ws = transport.openWebSocket(uri("/ws"), Map.of())) {
            ws.sendText("silence");
            ProviderException e = assertThrows(ProviderException.class, ws::receiveText);
            assertEquals(Kind.TIMEOUT, e.failure().kind());
        }
    }

    @Test
    void refusedHandshakeIsAProviderException() {
        ProviderException e = assertThrows(ProviderException.class, () -> transport.openWebSocket(uri("/nope"), Map.of()));
        assertEquals(Kind.PROTOCOL, e.failure().kind(), e.failure().toString());
    }

    private static URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }
}
