package io.modelbridge.gateway.upstream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;

/**
 * A loopback upstream on a raw socket that answers each request with the next queued {@link Script}, on as many
 * keep-alive connections as the client opens; it counts connections accepted and connections the client closed.
 */
final class ScriptedUpstream implements AutoCloseable {
    private final ServerSocket server;
    private final BlockingQueue<Script> scripts = new LinkedBlockingQueue<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final String scheme;
    private volatile boolean closingAll;

    /** Writes one answer; returns whether the connection stays open for another request. */
    @FunctionalInterface
    interface Script {
        boolean answer(OutputStream out) throws Exception;
    }

    ScriptedUpstream() throws IOException {
        this(ServerSocketFactory.getDefault(), "http");
    }

    ScriptedUpstream(ServerSocketFactory factory, String scheme) throws IOException {
        this.server = factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.scheme = scheme;
        Thread.ofVirtual().name("scripted-upstream").start(this::acceptLoop);
    }

    /** A keep-alive answer with this status and body, sized by Content-Length. */
    static Script sized(int status, String body) {
        return raw("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body, true);
    }

    /** These bytes (ISO-8859-1), then the connection stays open or is closed. */
    static Script raw(String text, boolean keepOpen) {
        return out -> {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return keepOpen;
        };
    }

    ScriptedUpstream then(Script script) {
        scripts.add(script);
        return this;
    }

    URI uri(String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort() + path);
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return accepted.get();
    }

    int closedByClient() {
        return closedByClient.get();
    }

    List<String> requests() {
        return requests;
    }

    /** Closes every open connection from this side, as an upstream's keep-alive timeout does. */
    void closeConnections() throws IOException {
        closingAll = true;
        for (Socket s : sockets) {
            s.close();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                sockets.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                String request = readRequest(in);
                if (request == null) {
                    closedByClient.incrementAndGet();
                    return;
                }
                requests.add(request);
                Script script = scripts.poll(10, TimeUnit.SECONDS);
                if (script == null || !script.answer(out)) {
                    return;
                }
            }
        } catch (Exception e) {
            if (!closingAll) {
                closedByClient.incrementAndGet(); // a reset from the client (try-with-resources closed the socket already)
            }
        } finally {
            sockets.remove(socket);
        }
    }

    /** A request's head and Content-Length body as text; null when the client closed the connection. */
    private static String readRequest(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        long length = 0;
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            text.append((char) b);
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            String header = line.toString().strip();
            line.setLength(0);
            if (header.isEmpty()) {
                break;
            }
            if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(header.substring(15).strip());
            }
        }
        text.append(new String(in.readNBytes((int) length), StandardCharsets.UTF_8));
        return text.toString();
    }

    @Override
    public void close() throws IOException {
        closingAll = true;
        server.close();
        closeConnections();
    }
}
