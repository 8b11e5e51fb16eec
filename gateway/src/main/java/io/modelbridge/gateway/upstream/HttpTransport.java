package io.modelbridge.gateway.upstream;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.Transport;
import io.modelbridge.spi.WebSocketSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;

/** The host transport one call uses: Helidon WebClient for HTTP, the JDK client for WebSockets. */
final class HttpTransport implements Transport {
    private final WebClient client;
    private final HttpClient webSockets;
    private final Duration readTimeout;

    HttpTransport(WebClient client, HttpClient webSockets, Duration readTimeout) {
        this.client = client;
        this.webSockets = webSockets;
        this.readTimeout = readTimeout;
    }

    @Override
    public HttpReply send(HttpCall call) {
        try {
            HttpClientRequest request = client.method(Method.create(call.method())).uri(call.uri());
            call.headers().forEach((name, value) -> request.header(HeaderNames.create(name), value));
            HttpClientResponse response = call.body().length == 0 && "GET".equals(call.method())
                    ? request.request()
                    : request.submit(call.body());
            return new HelidonReply(response, call.uri());
        } catch (RuntimeException e) {
            throw TransportFailures.classify(call.uri(), e);
        }
    }

    @Override
    public WebSocketSession openWebSocket(URI uri, Map<String, String> headers) {
        return JdkWebSocketSession.open(webSockets, uri, headers, readTimeout);
    }
}
