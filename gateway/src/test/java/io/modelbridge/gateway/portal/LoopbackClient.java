package io.modelbridge.gateway.portal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One request per connection from a chosen loopback address (127.0.0.0/8 is all loopback on Linux), so that
 * many requests each look like a different client to the portal's per-address attempt budgets.
 */
final class LoopbackClient {
    /** The status line and what came after it, and the microseconds from sending to the end of the head. */
    record Reply(int status, String text, long micros) {}

    private LoopbackClient() {}

    /** {@code head} without the blank line; {@code Connection: close} is added. The portal's pages have a length. */
    static Reply exchange(String from, URI server, String head, byte[] body) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 2000);
            socket.setSoTimeout(20_000);
            long start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            String statusAndHead = readHead(in);
            long micros = (System.nanoTime() - start) / 1000;
            String rest = new String(in.readNBytes(contentLength(statusAndHead)), StandardCharsets.UTF_8);
            int status = statusAndHead.startsWith("HTTP/1.1 ") ? Integer.parseInt(statusAndHead.substring(9, 12)) : -1;
            return new Reply(status, statusAndHead + rest, micros);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A form post with a matching CSRF cookie and field, as the portal's own pages send. */
    static Reply postForm(String from, URI server, String path, String form, String cookies) {
        String token = "t".repeat(43);
        byte[] body = (form + (form.isEmpty() ? "" : "&") + "csrf=" + token).getBytes(StandardCharsets.UTF_8);
        return exchange(from, server, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nCookie: mb_csrf=" + token + cookies, body);
    }

    /** The body's length; the tests need not wait for the server to close the connection. */
    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.UTF_8);
    }
}
