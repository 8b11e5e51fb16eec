package io.modelbridge.gateway.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The public listener's only connection selector: Helidon's HTTP/1.1, over a reader that bounds how long the
 * gateway waits for a client's bytes ({@link TimedReads}) and that serves HTTP/1.0 requests. Helidon 4.5
 * answers HTTP/1.0 with 505, and nginx proxies with HTTP/1.0 unless told {@code proxy_http_version 1.1}. The first
 * request line of a connection, when it ends in {@code HTTP/1.0}, is read as HTTP/1.1 followed by a
 * {@code Connection: close} header: HTTP/1.0 has no keep-alive by default, and we do not offer it, so the connection
 * closes after the answer (see {@link ConnectionReuse}) and no later request on it needs rewriting. The answer's
 * status line says HTTP/1.1, as RFC 9110 (section 6.2) allows. HTTP/1.1 requires a Host header that HTTP/1.0 may
 * leave out: then {@code Host: localhost} is added.
 */
public final class ClientConnections implements ServerConnectionSelector {
    private static final byte[] HTTP_1_0_LINE_END = " HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_1_1_AND_CLOSE = " HTTP/1.1\r\nConnection: close\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LOCAL_HOST = "Host: localhost\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINE_END = {'\r', '\n'};
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    /** Past this, a request is left alone (Helidon refuses a request line or header block this long anyway). */
    private static final int MAX_HEAD = 16 * 1024;
    /**
     * Response headers are not validated again (Helidon's check was ~4 % of the gateway's CPU samples): every value
     * the gateway sends is made safe where it enters (docs/security.md, "Response headers").
     */
    private final ServerConnectionSelector http1 = Http1ConnectionSelector.builder()
            .config(Http1Config.builder().validateResponseHeaders(false).build())
            .build();
    private final Duration readTimeout;
    private final ReadDeadlines deadlines;

    /**
     * @param readTimeout the longest the gateway waits for a client's next bytes (a request, the rest of one)
     * @param deadlines   where read deadlines are timed
     */
    public ClientConnections(Duration readTimeout, ReadDeadlines deadlines) {
        this.readTimeout = readTimeout;
        this.deadlines = deadlines;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        return Support.SUPPORTED; // the only selector: the connection is handed over at once, idle timeout included
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        TimedReads reads = new TimedReads(ctx.dataReader(), ctx.serverSocket(), readTimeout, deadlines);
        return new LingeringClose(http1.connection(new RewritingContext(ctx, DataReader.create(new FirstLine(reads)))),
                ctx.serverSocket(), reads::ended);
    }

    /** Hands over the socket's bytes, the first request line rewritten when it is HTTP/1.0. */
    private static final class FirstLine implements Supplier<byte[]> {
        private final Supplier<byte[]> socket;
        private boolean firstLineSeen;

        FirstLine(Supplier<byte[]> socket) {
            this.socket = socket;
        }

        @Override
        public byte[] get() {
            if (firstLineSeen) {
                return next();
            }
            firstLineSeen = true;
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            if (!readUntil(head, LINE_END)) {
                return head.size() == 0 ? null : head.toByteArray();
            }
            byte[] bytes = head.toByteArray();
            int lineEnd = indexOf(bytes, LINE_END) + LINE_END.length;
            int versionStart = lineEnd - HTTP_1_0_LINE_END.length;
            if (versionStart < 0 || !Arrays.equals(bytes, versionStart, lineEnd, HTTP_1_0_LINE_END, 0,
                    HTTP_1_0_LINE_END.length)) {
                return bytes;
            }
            // HTTP/1.0 makes Host optional, HTTP/1.1 (and Helidon) require it: read the header block to look for it
            boolean complete = readUntil(head, HEAD_END);
            bytes = head.toByteArray();
            int headEnd = complete ? Math.max(lineEnd, indexOf(bytes, HEAD_END)) : bytes.length;
            String headers = new String(bytes, lineEnd, headEnd - lineEnd, StandardCharsets.ISO_8859_1)
                    .toLowerCase(Locale.ROOT);
            boolean hasHost = headers.startsWith("host:") || headers.contains("\nhost:");
            ByteArrayOutputStream rewritten = new ByteArrayOutputStream(bytes.length + 64);
            rewritten.write(bytes, 0, versionStart);
            rewritten.writeBytes(HTTP_1_1_AND_CLOSE);
            if (!hasHost) {
                rewritten.writeBytes(LOCAL_HOST);
            }
            rewritten.write(bytes, lineEnd, bytes.length - lineEnd);
            return rewritten.toByteArray();
        }

        /** Reads into {@code head} until it holds {@code end} or {@value #MAX_HEAD} bytes; false at end of stream. */
        private boolean readUntil(ByteArrayOutputStream head, byte[] end) {
            while (indexOf(head.toByteArray(), end) < 0) {
                if (head.size() >= MAX_HEAD) {
                    return false;
                }
                byte[] more = next();
                if (more == null) {
                    return false;
                }
                head.writeBytes(more);
            }
            return true;
        }

        private byte[] next() {
            return socket.get();
        }

        private static int indexOf(byte[] bytes, byte[] part) {
            for (int i = 0; i + part.length <= bytes.length; i++) {
                if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** The connection as Helidon made it, read through {@link FirstLine}. */
    private record RewritingContext(ConnectionContext delegate, DataReader dataReader) implements ConnectionContext {
        @Override
        public ListenerContext listenerContext() {
            return delegate.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return delegate.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return delegate.dataWriter();
        }

        @Override
        public Router router() {
            return delegate.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return delegate.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return delegate.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return delegate.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return delegate.localPeer();
        }

        @Override
        public boolean isSecure() {
            return delegate.isSecure();
        }

        @Override
        public String socketId() {
            return delegate.socketId();
        }

        @Override
        public String childSocketId() {
            return delegate.childSocketId();
        }
    }
}
