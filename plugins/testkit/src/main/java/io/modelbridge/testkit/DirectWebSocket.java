package io.modelbridge.testkit;

import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.WebSocketSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking WebSocket session over {@link java.net.http.WebSocket}. Messages are requested one at a time, so the
 * queue holds at most one complete message and the closing marker.
 */
final class DirectWebSocket implements WebSocketSession {
    private static final Object CLOSED = new Object();

    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final Duration readTimeout;
    private volatile WebSocket socket;
    private boolean serverClosed;

    private DirectWebSocket(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    static DirectWebSocket open(HttpClient client, URI uri, Map<String, String> headers, Duration connectTimeout,
                                Duration readTimeout) {
        DirectWebSocket session = new DirectWebSocket(readTimeout);
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(connectTimeout);
        headers.forEach(builder::header);
        try {
            session.socket = builder.buildAsync(uri, session.new Listener())
                    .get(connectTimeout.plus(readTimeout).toMillis(), TimeUnit.MILLISECONDS);
            return session;
        } catch (ExecutionException e) {
            throw handshakeFailure(uri, e.getCause());
        } catch (TimeoutException e) {
            throw DirectTransport.failure(Kind.TIMEOUT, "no WebSocket handshake from " + DirectTransport.hostOf(uri), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DirectTransport.failure(Kind.TIMEOUT, "interrupted while opening a WebSocket", e);
        }
    }

    /** A refused handshake is the vendor's answer: its status says why (Spark answers 401 to a bad signature). */
    private static ProviderException handshakeFailure(URI uri, Throwable cause) {
        if (cause instanceof WebSocketHandshakeException refused) {
            int status = refused.getResponse().statusCode();
            Kind kind = switch (status) {
                case 401, 403 -> Kind.AUTH;
                case 429 -> Kind.RATE_LIMIT;
                default -> status >= 500 ? Kind.UNAVAILABLE : Kind.PROTOCOL;
            };
            return new ProviderException(new ProviderFailure(kind, "WebSocket handshake refused with status " + status,
                    null, status, null), cause);
        }
        return DirectTransport.failure(Kind.UNAVAILABLE,
                "cannot open a WebSocket to " + DirectTransport.hostOf(uri) + ": " + DirectTransport.describe(cause), cause);
    }

    @Override
    public void sendText(String text) {
        try {
            socket.sendText(text, true).get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw DirectTransport.failure(Kind.UNAVAILABLE, "WebSocket send failed: " + DirectTransport.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DirectTransport.failure(Kind.TIMEOUT, "interrupted while sending", e);
        }
    }

    @Override
    public Optional<String> receiveText() {
        if (serverClosed) {
            return Optional.empty();
        }
        Object next;
        try {
            next = messages.poll(readTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DirectTransport.failure(Kind.TIMEOUT, "interrupted while receiving", e);
        }
        if (next == null) {
            throw DirectTransport.failure(Kind.TIMEOUT, "no WebSocket message within " + readTimeout, null);
        }
        if (next == CLOSED) {
            serverClosed = true;
            return Optional.empty();
        }
        if (next instanceof Throwable t) {
            serverClosed = true;
            throw DirectTransport.failure(Kind.UNAVAILABLE, "WebSocket failed: " + DirectTransport.describe(t), t);
        }
        socket.request(1);
        return Optional.of((String) next);
    }

    @Override
    public void close() {
        WebSocket s = socket;
        if (s != null && !s.isOutputClosed()) {
            s.sendClose(WebSocket.NORMAL_CLOSURE, "");
        }
        if (s != null) {
            s.abort();
        }
    }

    /** Collects message parts; asks for the next message only once the reader took this one. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            } else {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            messages.add(CLOSED);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            messages.add(error);
        }
    }
}
