package io.modelbridge.gateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** HTTP/1.1 over a plain socket, for requests no well-behaved client library would send. */
public final class RawHttp {
    private RawHttp() {}

    /**
     * A response as it came over the wire: status, lower-cased headers, body text, and the head's bytes as sent
     * (status line and header lines, ISO-8859-1, without the blank line).
     */
    public record Reply(int status, Map<String, String> headers, String body, String head) {}

    /** Sends {@code head} (request line and headers, CRLF-separated, without the blank line) and {@code body}. */
    public static Reply exchange(URI server, String head, byte[] body) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 2000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Reply post(URI server, String path, String key, byte[] body, String... extraHeaders) {
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: " + server.getHost() + "\r\n"
                + "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " + body.length);
        if (key != null) {
            head.append("\r\nAuthorization: Bearer ").append(key);
        }
        for (String h : extraHeaders) {
            head.append("\r\n").append(h);
        }
        return exchange(server, head.toString(), body);
    }

    /**
     * A kept-alive connection on which a request can be written in two steps: all of it but its last byte ahead
     * of time, then that byte at the moment chosen, so the server sees it complete with no delay of the client's.
     */
    public static final class Connection implements AutoCloseable {
        private final Socket socket;
        private byte[] last;
        /** A streamed answer was read only up to an event: the rest is read before the next request. */
        private boolean answerLeft;

        private Connection(Socket socket) {
            this.socket = socket;
        }

        public static Connection open(URI server) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 2000);
                socket.setSoTimeout(10_000);
                socket.setTcpNoDelay(true);
                return new Connection(socket);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes a POST with a JSON body, all but its last byte, which {@link #complete} sends. */
        public void prepare(String path, String key, String body) {
            if (answerLeft) {
                try {
                    readChunked(socket.getInputStream(), null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                answerLeft = false;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + socket.getInetAddress().getHostAddress()
                    + "\r\nContent-Type: application/json\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Length: " + bytes.length + "\r\n\r\n";
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
            request.writeBytes(bytes);
            byte[] all = request.toByteArray();
            last = new byte[] {all[all.length - 1]};
            write(java.util.Arrays.copyOf(all, all.length - 1));
        }

        public void complete() {
            write(last);
        }

        /**
         * Reads an answer; a streamed one only up to the event that holds {@code until}, as a client acting on a
         * stream's last event at once would (the rest is read before the next request on this connection).
         */
        public Reply read(String until) {
            try {
                Reply reply = RawHttp.read(socket.getInputStream(), until);
                answerLeft = "chunked".equalsIgnoreCase(reply.headers().get("transfer-encoding"))
                        && reply.body().contains(until);
                return reply;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void write(byte[] bytes) {
            try {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Reads one response, framed by Content-Length or chunked encoding (the server may keep the socket open). */
    private static Reply read(InputStream in) throws IOException {
        return read(in, null);
    }

    /** As {@link #read(InputStream)}, but a chunked body only up to the chunk that holds {@code until}, if not null. */
    private static Reply read(InputStream in, String until) throws IOException {
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 ")) {
            return new Reply(-1, Map.of(), head, head);
        }
        String[] lines = head.split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) { // not a header line: what an injected bare LF or CR would leave; see head()
                continue;
            }
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = readChunked(in, until);
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return new Reply(Integer.parseInt(lines[0].substring(9, 12)), headers, new String(body, StandardCharsets.UTF_8),
                head);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r\n\r\n") ? text.substring(0, text.length() - 4) : text;
    }

    private static byte[] readChunked(InputStream in, String until) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
            if (size == 0) {
                readLine(in);
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(size));
            readLine(in);
            if (until != null && body.toString(StandardCharsets.UTF_8).contains(until)) {
                return body.toByteArray();
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
