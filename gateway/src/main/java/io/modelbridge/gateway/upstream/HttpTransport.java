package io.modelbridge.gateway.upstream;

import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.Transport;
import io.modelbridge.spi.WebSocketSession;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The host transport one call uses: the gateway's own HTTP/1.1 client over pooled blocking sockets (see
 * docs/architecture.md "The upstream client"), the JDK client for WebSockets. Redirects are answers like any other,
 * never followed.
 */
final class HttpTransport implements Transport {
    private final ConnectionPool pool;
    private final SSLContext tls;
    private final HttpClient webSockets;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    HttpTransport(ConnectionPool pool, SSLContext tls, HttpClient webSockets, Duration connectTimeout,
                  Duration readTimeout) {
        this.pool = pool;
        this.tls = tls;
        this.webSockets = webSockets;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    @Override
    public HttpReply send(HttpCall call) {
        try {
            Origin origin = Origin.of(call.uri());
            RequestHead request = RequestHead.encode(call, origin);
            UpstreamConnection pooled = pool.acquire(origin);
            if (pooled != null) {
                try {
                    return exchange(pooled, request, call.uri());
                } catch (IOException e) {
                    pooled.close();
                    if (!closedWhileIdle(pooled, e)) {
                        throw e;
                    }
                }
            }
            UpstreamConnection fresh = UpstreamConnection.open(origin, connectTimeout, readTimeout, tls);
            try {
                return exchange(fresh, request, call.uri());
            } catch (IOException | RuntimeException e) {
                fresh.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            throw TransportFailures.classify(call.uri(), e);
        }
    }

    /**
     * Whether a pooled connection failed because the upstream had closed it while it sat idle (its keep-alive
     * timeout raced our request): a write failure, or the connection ending or reset before any byte of an answer.
     * The request is then sent once more on a fresh connection, as OkHttp and the JDK's client do; the upstream
     * cannot have acted on a request it never answered a byte of on a connection it was closing. A read timeout is
     * not retried (the upstream may be working on it), nor a call the watchdog interrupted.
     */
    private static boolean closedWhileIdle(UpstreamConnection connection, IOException e) {
        return connection.reused() && connection.input().received() == 0 && !(e instanceof SocketTimeoutException)
                && !Thread.currentThread().isInterrupted();
    }

    private HttpReply exchange(UpstreamConnection connection, RequestHead request, URI uri) throws IOException {
        connection.readTimeout(readTimeout);
        connection.input().startAnswer();
        connection.send(request);
        ResponseHead head = ResponseHead.read(connection.input());
        return new UpstreamReply(head, UpstreamBody.of(head, connection, pool), uri);
    }

    @Override
    public WebSocketSession openWebSocket(URI uri, Map<String, String> headers) {
        return JdkWebSocketSession.open(webSockets, uri, headers, readTimeout);
    }
}
