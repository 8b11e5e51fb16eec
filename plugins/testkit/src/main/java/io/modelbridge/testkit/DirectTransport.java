package io.modelbridge.testkit;

import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Transport;
import io.modelbridge.spi.WebSocketSession;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A {@link Transport} straight over {@link HttpClient}, for plugin unit tests (the gateway has its own). One client,
 * HTTP/1.1, virtual threads. Failing to connect is {@code UNAVAILABLE}; no headers, or no next bytes of the body,
 * within the read timeout is {@code TIMEOUT}. Closing a reply cancels the exchange, so the server sees the
 * connection close.
 */
public final class DirectTransport implements Transport, AutoCloseable {
    /** Headers HttpClient sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;

    public DirectTransport(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    /** A transport with the channel's timeouts. */
    public static DirectTransport forSettings(ProviderSettings settings) {
        return new DirectTransport(settings.connectTimeout(), settings.readTimeout());
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    @Override
    public HttpReply send(HttpCall call) {
        HttpRequest request = toRequest(call);
        try {
            HttpResponse<TimedBodyStream> response = client.send(request, info -> TimedBodyStream.subscriber(readTimeout));
            return new DirectReply(response);
        } catch (HttpConnectTimeoutException e) {
            throw failure(Kind.UNAVAILABLE, "connect to " + hostOf(call.uri()) + " timed out after " + connectTimeout, e);
        } catch (HttpTimeoutException e) {
            throw failure(Kind.TIMEOUT, "no response headers from " + hostOf(call.uri()) + " within " + readTimeout, e);
        } catch (IOException e) {
            throw failure(Kind.UNAVAILABLE, "cannot reach " + hostOf(call.uri()) + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(Kind.TIMEOUT, "interrupted while calling " + hostOf(call.uri()), e);
        }
    }

    @Override
    public WebSocketSession openWebSocket(URI uri, Map<String, String> headers) {
        return DirectWebSocket.open(client, uri, headers, connectTimeout, readTimeout);
    }

    @Override
    public void close() {
        client.close();
        executor.close();
    }

    private HttpRequest toRequest(HttpCall call) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(call.uri()).timeout(readTimeout);
        byte[] body = call.body() == null ? new byte[0] : call.body();
        builder.method(call.method(), body.length == 0
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        call.headers().forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                builder.header(name, value);
            }
        });
        return builder.build();
    }

    static String hostOf(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    static ProviderException failure(Kind kind, String message, Throwable cause) {
        return new ProviderException(ProviderFailure.of(kind, message), cause);
    }

    /** The reply of one exchange; the body streams from the subscriber's queue. */
    private record DirectReply(HttpResponse<TimedBodyStream> response) implements HttpReply {
        @Override
        public int status() {
            return response.statusCode();
        }

        @Override
        public java.util.Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        @Override
        public InputStream body() {
            return response.body();
        }

        @Override
        public String bodyText() {
            try {
                return new String(response.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw failure(Kind.UNAVAILABLE, "connection lost while reading the body: " + describe(e), e);
            }
        }

        @Override
        public void close() {
            response.body().close();
        }
    }
}
