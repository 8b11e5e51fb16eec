package io.modelbridge.gateway.upstream;

import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.UpstreamLimits;
import io.modelbridge.spi.WebSocketSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
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
 * A blocking view of a JDK WebSocket: messages are queued as they arrive and taken by {@link #receiveText()}. The
 * next message is requested only once the last one was taken, so at most one waits in the queue, and a message
 * longer than {@link UpstreamLimits#MAX_MESSAGE_BYTES} characters is a protocol failure, not an allocation.
 */
final class JdkWebSocketSession implements WebSocketSession {
    private static final String CLOSED = new String("closed"); // identity sentinels
    private static final String TOO_LARGE = new String("too large");
    private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private final Duration readTimeout;
    private final URI uri;
    private WebSocket socket;

    private JdkWebSocketSession(URI uri, Duration readTimeout) {
        this.uri = uri;
        this.readTimeout = readTimeout;
    }

    static JdkWebSocketSession open(HttpClient client, URI uri, Map<String, String> headers, Duration readTimeout) {
        JdkWebSocketSession session = new JdkWebSocketSession(uri, readTimeout);
        WebSocket.Builder builder = client.newWebSocketBuilder();
        headers.forEach(builder::header);
        try {
            session.socket = builder.buildAsync(uri, session.new Listener())
                    .get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return session;
        } catch (TimeoutException e) {
            throw TransportFailures.classify(uri, new java.net.SocketTimeoutException("handshake"));
        } catch (ExecutionException e) {
            throw handshakeFailure(uri, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TransportFailures.classify(uri, e);
        }
    }

    private static ProviderException handshakeFailure(URI uri, Throwable cause) {
        if (cause instanceof java.net.http.WebSocketHandshakeException h) {
            int status = h.getResponse().statusCode();
            Kind kind = status == 401 || status == 403 ? Kind.AUTH : status == 429 ? Kind.RATE_LIMIT : Kind.UNAVAILABLE;
            return new ProviderException(new ProviderFailure(kind,
                    "WebSocket handshake refused with HTTP " + status, null, status, null));
        }
        return TransportFailures.classify(uri, cause);
    }

    @Override
    public void sendText(String text) {
        try {
            socket.sendText(text, true).get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw TransportFailures.classify(uri, e);
        }
    }

    @Override
    public Optional<String> receiveText() {
        try {
            String message = inbox.poll(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new ProviderException(ProviderFailure.of(Kind.TIMEOUT, "no WebSocket message within " + readTimeout));
            }
            if (message == CLOSED) {
                inbox.offer(CLOSED);
                return Optional.empty();
            }
            if (message == TOO_LARGE) {
                throw UpstreamLimits.exceeded("a WebSocket message longer than " + UpstreamLimits.MAX_MESSAGE_BYTES
                        + " characters");
            }
            socket.request(1);
            return Optional.of(message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TransportFailures.classify(uri, e);
        }
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(t -> null);
        }
        if (socket != null) {
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (partial.length() + data.length() > UpstreamLimits.MAX_MESSAGE_BYTES) {
                partial.setLength(0);
                inbox.offer(TOO_LARGE);
                ws.abort();
                return null;
            }
            partial.append(data);
            if (last) {
                inbox.offer(partial.toString());
                partial.setLength(0);
            } else {
                ws.request(1); // the rest of this message; the next one is requested when this one is taken
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            inbox.offer(CLOSED);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            inbox.offer(CLOSED);
        }
    }
}
