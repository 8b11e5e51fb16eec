package io.modelbridge.gateway.it;

import io.modelbridge.gateway.upstream.RawSocketUpstream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An "upstream" on a raw loopback ServerSocket that answers every request with whatever the current {@link Script}
 * writes: headers dripped a byte at a time, an SSE stream that never ends, a line with no end, a huge body. Every
 * script is bounded in time ({@link #LONGEST}) and stops when the gateway closes the socket.
 */
final class HostileUpstream extends RawSocketUpstream {
    static final Duration LONGEST = Duration.ofSeconds(30);
    private final AtomicReference<Script> script = new AtomicReference<>(out -> { });

    /** What the upstream writes after reading a request; it may throw IOException once the gateway hangs up. */
    @FunctionalInterface
    interface Script {
        void answer(OutputStream out) throws IOException, InterruptedException;
    }

    private HostileUpstream() throws IOException {
        super(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), "hostile-upstream");
    }

    static HostileUpstream start() {
        try {
            return new HostileUpstream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    void answer(Script next) {
        script.set(next);
    }

    /** Status line and headers one byte every {@code every}, never finishing them. */
    static Script dripHeaders(Duration every) {
        return out -> {
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: "
                    + "x".repeat(10_000)).getBytes(StandardCharsets.US_ASCII);
            long end = System.nanoTime() + LONGEST.toNanos();
            for (int i = 0; i < head.length && System.nanoTime() < end; i++) {
                out.write(head[i]);
                out.flush();
                Thread.sleep(every.toMillis());
            }
        };
    }

    /** A 200 event stream whose events come every {@code every} and never end. */
    static Script endlessStream(Duration every) {
        return out -> {
            sseHead(out);
            long end = System.nanoTime() + LONGEST.toNanos();
            while (System.nanoTime() < end) {
                chunk(out, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},\"finish_reason\":null}]}\n\n");
                Thread.sleep(every.toMillis());
            }
        };
    }

    /** A 200 event stream carrying {@code events} (each a complete SSE event text), then the end of the stream. */
    static Script stream(String... events) {
        return out -> {
            sseHead(out);
            for (String event : events) {
                chunk(out, event);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        };
    }

    /** A 200 event stream whose first line never ends: 64 KiB of 'a' at a time, up to {@code bytes}. */
    static Script endlessLine(long bytes) {
        return out -> {
            sseHead(out);
            chunk(out, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
            byte[] block = "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            for (long sent = 0; sent < bytes; sent += block.length) {
                chunk(out, block);
            }
        };
    }

    /** A 200 JSON answer of {@code bytes} bytes with that Content-Length: one string field, written as it goes. */
    static Script hugeJson(long bytes) {
        return hugeJson(200, bytes);
    }

    /** A JSON answer with this status, of {@code bytes} bytes with that Content-Length, written as it goes. */
    static Script hugeJson(int status, long bytes) {
        return out -> {
            String open = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{"
                    + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"";
            String close = "\"},\"finish_reason\":\"stop\"}]}";
            long filler = bytes - open.length() - close.length();
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + bytes + "\r\n\r\n" + open)
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] block = "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            for (long sent = 0; sent < filler; sent += block.length) {
                out.write(block, 0, (int) Math.min(block.length, filler - sent));
            }
            out.write(close.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        };
    }

    /** A complete answer with this status, content type and body. */
    static Script reply(int status, String contentType, String body) {
        return out -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        };
    }

    private static void sseHead(OutputStream out) throws IOException {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void chunk(OutputStream out, String text) throws IOException {
        chunk(out, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void chunk(OutputStream out, byte[] bytes) throws IOException {
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    protected void serve(Socket socket) {
        try {
            if (readRequest(new BufferedInputStream(socket.getInputStream())) != null) {
                script.get().answer(socket.getOutputStream());
            }
        } catch (IOException | InterruptedException gatewayHungUp) {
            // the gateway cut the call: what these tests want
        }
    }
}
