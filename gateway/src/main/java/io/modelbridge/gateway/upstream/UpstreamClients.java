package io.modelbridge.gateway.upstream;

import io.helidon.webclient.api.WebClient;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Transport;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;

/**
 * The gateway's clients to upstream vendors. One Helidon WebClient per distinct (connect, read) timeout pair —
 * channels share them — because a per-request read timeout grows Helidon's connection cache without bound
 * (helidon#10304). The JDK client serves WebSockets, which Helidon's HTTP/1 client does not.
 */
public final class UpstreamClients implements AutoCloseable {
    private final ConcurrentMap<Timeouts, WebClient> clients = new ConcurrentHashMap<>();
    private final HttpClient webSockets = HttpClient.newBuilder()
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** The transport a call on this channel uses. */
    public Transport transportFor(ProviderSettings settings) {
        Timeouts t = new Timeouts(settings.connectTimeout(), settings.readTimeout());
        WebClient client = clients.get(t); // a plain read on every call after the first with these timeouts
        if (client == null) {
            client = clients.computeIfAbsent(t, k -> WebClient.builder()
                    .socketOptions(o -> o.tcpNoDelay(true)) // stream chunks are small: no Nagle delay on them
                    .connectTimeout(k.connect())
                    .readTimeout(k.read())
                    .followRedirects(false)
                    .dnsResolver(JvmDnsResolver.INSTANCE)
                    .build());
        }
        return new HttpTransport(client, webSockets, settings.readTimeout());
    }

    @Override
    public void close() {
        clients.values().forEach(c -> c.closeResource());
        webSockets.close();
    }

    private record Timeouts(Duration connect, Duration read) {}
}
