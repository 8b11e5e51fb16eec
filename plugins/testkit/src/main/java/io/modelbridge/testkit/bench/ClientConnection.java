package io.modelbridge.testkit.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One keep-alive HTTP/1.1 client connection of the load generator: blocking socket, TCP_NODELAY, the request
 * written in one call. Reconnects on the next exchange after a failure or a {@code Connection: close}.
 */
final class ClientConnection implements Closeable {
    private final InetSocketAddress address;
    private final int bufferSize;
    private final int timeoutMillis;
    private volatile Socket socket;
    private HttpInput in;
    private OutputStream out;

    ClientConnection(InetSocketAddress address, int bufferSize, int timeoutMillis) {
        this.address = address;
        this.bufferSize = bufferSize;
        this.timeoutMillis = timeoutMillis;
    }

    void connect() throws IOException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        in = new HttpInput(s.getInputStream(), bufferSize);
        out = s.getOutputStream();
        socket = s;
    }

    /** Sends the request and reads the whole response into the sink; returns the status code. */
    int exchange(byte[] request, HttpInput.Sink sink) throws IOException {
        connect();
        try {
            out.write(request);
            HttpHead head = HttpHead.read(in);
            if (head == null) {
                throw new EOFException("connection closed before the response");
            }
            HttpBody.read(in, head, sink, true);
            if (head.closes() || head.bodyUntilClose()) {
                close();
            }
            return head.status();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Closes the socket; safe from another thread (an exchange blocked on it then fails). */
    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
