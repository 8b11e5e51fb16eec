package io.modelbridge.loadgen;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One keep-alive HTTP/1.1 connection of the measured loops: a blocking socket with TCP_NODELAY, the whole request
 * written in one call, the response read with the fake upstream's own {@link HttpInput} and handed to a sink read by
 * read (a streamed body's events as they arrive). Reconnects on the next exchange after a failure or a
 * {@code Connection: close}. A load generator must cost much less than what it measures: this costs a few µs of CPU
 * per request where the library clients cost tens (docs/benchmarks.md).
 */
final class ClientConnection implements Closeable {
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int TIMEOUT_MILLIS = 30_000;
    private final InetSocketAddress address;
    private Socket socket;
    private HttpInput in;
    private OutputStream out;

    ClientConnection(InetSocketAddress address) {
        this.address = address;
    }

    /** Opens the socket unless it is open; the workers call it before the phase starts. */
    void connect() throws IOException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            in = new HttpInput(s.getInputStream(), BUFFER_BYTES);
            out = s.getOutputStream();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
    }

    /** Sends the request (head and body in one array) and reads the whole response into the sink; the status. */
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
