package io.modelbridge.gateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The socket side of a fake upstream on a raw loopback ServerSocket: it accepts connections on virtual threads,
 * hands each to {@link #serve}, closes it when that returns, and closes them all on {@link #close}. Subclasses
 * decide what to answer.
 */
public abstract class RawSocketUpstream implements AutoCloseable {
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();

    protected RawSocketUpstream(ServerSocket server, String threadName) {
        this.server = server;
        Thread.ofVirtual().name(threadName).start(this::acceptLoop);
    }

    /** Answers the requests of one connection, which is closed when this returns. */
    protected abstract void serve(Socket socket);

    public int port() {
        return server.getLocalPort();
    }

    /** How many connections were accepted. */
    public int connections() {
        return accepted.get();
    }

    /** Closes every open connection from this side, as an upstream's keep-alive timeout does. */
    public void closeConnections() {
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        closeConnections();
    }

    /**
     * Reads a request's head and Content-Length body; the whole request as text (the head byte per char, the body
     * UTF-8), or null when the client closed the connection first.
     */
    public static String readRequest(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        StringBuilder line = new StringBuilder();
        long length = 0;
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

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                open.add(socket);
                Thread.ofVirtual().start(() -> {
                    try {
                        serve(socket);
                    } finally {
                        closeQuietly(socket);
                        open.remove(socket);
                    }
                });
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
