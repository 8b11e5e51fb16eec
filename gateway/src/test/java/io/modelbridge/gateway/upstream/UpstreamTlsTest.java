package io.modelbridge.gateway.upstream;

import static io.modelbridge.gateway.upstream.ScriptedUpstream.sized;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.HttpCall;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.SseEvent;
import io.modelbridge.spi.SseReader;
import io.modelbridge.spi.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** https to a local upstream with a self-signed certificate for "localhost", made by the JDK's keytool. */
@Timeout(60)
class UpstreamTlsTest {
    @TempDir
    static Path dir;
    private static SSLContext serverTls;
    private static SSLContext trusting;

    @BeforeAll
    static void certificate() throws Exception {
        Path store = dir.resolve("upstream.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS) && keytool.exitValue() == 0, output);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("upstream", keys.getCertificate("upstream"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
    }

    /** A ScriptedUpstream whose accepted sockets are TLS server sockets; {@code seen} gets the SNI names asked for. */
    private static ScriptedUpstream upstream(List<SNIServerName> seen) throws Exception {
        return new ScriptedUpstream(new ServerSocketFactory() {
            @Override
            public ServerSocket createServerSocket(int port) throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog) throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
                    throws IOException {
                return new ServerSocket(port, backlog, address) {
                    @Override
                    public Socket accept() throws IOException {
                        Socket plain = super.accept();
                        SSLSocket tls = (SSLSocket) serverTls.getSocketFactory()
                                .createSocket(plain, null, plain.getPort(), true);
                        tls.setUseClientMode(false);
                        HandshakeCompletedListener record = event ->
                                seen.addAll(((ExtendedSSLSession) event.getSession()).getRequestedServerNames());
                        tls.addHandshakeCompletedListener(record);
                        return tls;
                    }
                };
            }
        }, "https");
    }

    /** The answer's status and body. */
    private static String call(SSLContext clientTls, URI uri) {
        try (UpstreamClients clients = new UpstreamClients(clientTls, new ConnectionPool())) {
            Transport transport = clients.transportFor(UpstreamHttpTest.settings(Duration.ofSeconds(5)));
            try (HttpReply reply = transport.send(HttpCall.postJson(uri, Map.of(), "{}"))) {
                return reply.status() + " " + reply.bodyText();
            }
        }
    }

    @Test
    void aTrustedCertificateForTheHostIsAcceptedWithSni() throws Exception {
        List<SNIServerName> seen = new CopyOnWriteArrayList<>();
        try (ScriptedUpstream upstream = upstream(seen).then(sized(200, "secure"))) {
            assertEquals("200 secure", call(trusting, URI.create("https://localhost:" + upstream.port() + "/v1")));
            UpstreamHttpTest.waitFor(() -> !seen.isEmpty());
            assertEquals(List.of(new SNIHostName("localhost")), seen);
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws Exception {
        try (ScriptedUpstream upstream = upstream(new CopyOnWriteArrayList<>()).then(sized(200, "never"))) {
            // the certificate names localhost, not 127.0.0.1
            ProviderException e = assertThrows(ProviderException.class,
                    () -> call(trusting, URI.create("https://127.0.0.1:" + upstream.port() + "/v1")));
            assertEquals(Kind.UNAVAILABLE, e.failure().kind());
            assertTrue(e.getCause() instanceof SSLHandshakeException, String.valueOf(e.getCause()));
        }
    }

    @Test
    void aCertificateTheJvmDoesNotTrustIsRefused() throws Exception {
        try (ScriptedUpstream upstream = upstream(new CopyOnWriteArrayList<>()).then(sized(200, "never"))) {
            ProviderException e = assertThrows(ProviderException.class,
                    () -> call(SSLContext.getDefault(), URI.create("https://localhost:" + upstream.port() + "/v1")));
            assertEquals(Kind.UNAVAILABLE, e.failure().kind());
            assertTrue(e.getCause() instanceof SSLHandshakeException, String.valueOf(e.getCause()));
        }
    }

    /** The read timeout closes the TCP socket under the TLS one: the waiting read ends as a timeout. */
    @Test
    void aTlsUpstreamSilentPastTheReadTimeoutIsATimeout() throws Exception {
        try (ScriptedUpstream upstream = upstream(new CopyOnWriteArrayList<>());
             UpstreamClients clients = new UpstreamClients(trusting, new ConnectionPool())) {
            upstream.then(out -> {
                Thread.sleep(5_000);
                return false;
            });
            Transport quick = clients.transportFor(UpstreamHttpTest.settings(Duration.ofMillis(300)));
            long start = System.nanoTime();
            ProviderException e = assertThrows(ProviderException.class, () -> quick.send(
                    HttpCall.postJson(URI.create("https://localhost:" + upstream.port() + "/v1"), Map.of(), "{}")));
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertEquals(Kind.TIMEOUT, e.failure().kind());
            assertTrue(millis < 2_000, millis + " ms");
        }
    }

    /** Over TLS the terminator comes in its own record: the drain decrypts it on its own thread (StreamKeepAliveTest). */
    @Test
    void streamsReadToTheirDoneShareOneTlsConnection() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        String done = "e\r\ndata: [DONE]\n\n\r\n";
        try (ScriptedUpstream upstream = upstream(new CopyOnWriteArrayList<>());
             UpstreamClients clients = new UpstreamClients(trusting, new ConnectionPool())) {
            for (int i = 0; i < 5; i++) {
                upstream.then(out -> {
                    out.write((head + done).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    Thread.sleep(5);
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    return true;
                });
            }
            Transport transport = clients.transportFor(UpstreamHttpTest.settings(Duration.ofSeconds(5)));
            for (int i = 0; i < 5; i++) {
                try (HttpReply reply = transport.send(HttpCall.postJson(
                        URI.create("https://localhost:" + upstream.port() + "/v1"), Map.of(), "{}"))) {
                    assertEquals(Optional.of("[DONE]"), new SseReader(reply.body()).next().map(SseEvent::data));
                }
                Thread.sleep(200); // the drain reads the terminator's TLS record on its own thread
            }
            // 5 without the drain; one more allowed for a drain a busy machine did not schedule in time
            assertTrue(upstream.connections() <= 2, "TLS connections for 5 sequential streams: "
                    + upstream.connections());
        }
    }
}
