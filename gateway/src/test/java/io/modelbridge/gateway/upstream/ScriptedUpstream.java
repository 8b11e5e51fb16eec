package io.modelbridge.gateway.upstream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
final class ScriptedUpstream extends RawSocketUpstream {
    private final BlockingQueue<Script> scripts = new LinkedBlockingQueue<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
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
        super(factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress()), "scripted-upstream");
        this.scheme = scheme;
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
        return URI.create(scheme + "://127.0.0.1:" + port() + path);
    }

    int closedByClient() {
        return closedByClient.get();
    }

    List<String> requests() {
        return requests;
    }

    @Override
    public void closeConnections() {
        closingAll = true;
        super.closeConnections();
    }

    @Override
    protected void serve(Socket socket) {
        try {
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
                closedByClient.incrementAndGet(); // a reset from the client
            }
        }
    }
}
