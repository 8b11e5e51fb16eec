package io.modelbridge.gateway.upstream;

import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Transport;
import java.net.http.HttpClient;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * The gateway's clients to upstream vendors: its own HTTP/1.1 client over one pool of keep-alive connections shared
 * by every channel (timeouts are per call, not per pool), and the JDK client for WebSockets. TLS trusts what the
 * JVM's default SSLContext trusts (the JDK's cacerts, or {@code javax.net.ssl.trustStore}), as Helidon's WebClient
 * did.
 */
public final class UpstreamClients implements AutoCloseable {
    private final ConnectionPool pool;
    private final SSLContext tls;
    private final HttpClient webSockets = HttpClient.newBuilder()
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    public UpstreamClients() {
        this(defaultTls(), new ConnectionPool());
    }

    /** With another trust (tests: a self-signed upstream) and pool. */
    UpstreamClients(SSLContext tls, ConnectionPool pool) {
        this.tls = tls;
        this.pool = pool;
    }

    /** The transport a call on this channel uses. */
    public Transport transportFor(ProviderSettings settings) {
        return new HttpTransport(pool, tls, webSockets, settings.connectTimeout(), settings.readTimeout());
    }

    @Override
    public void close() {
        pool.close();
        webSockets.close();
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }
}
