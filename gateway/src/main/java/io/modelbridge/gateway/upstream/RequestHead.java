package io.modelbridge.gateway.upstream;

import io.modelbridge.spi.HttpCall;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;

/**
 * The bytes of one HTTP/1.1 request: request line, Host, the call's headers, Content-Length, then the body, in one
 * array so that a small request is one write. Header names must be tokens and values free of control characters
 * (they come from plugins: a CR LF would let one smuggle a second request). Host, Content-Length, Connection,
 * Transfer-Encoding, Expect and Upgrade from a call are dropped: the client owns the framing (as the JDK's client
 * refuses them).
 */
final class RequestHead {
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private byte[] bytes;
    private int length;

    private RequestHead(int capacity) {
        bytes = new byte[capacity];
    }

    /** The whole request, body included. */
    static RequestHead encode(HttpCall call, Origin origin) {
        URI uri = call.uri();
        byte[] body = call.body();
        RequestHead out = new RequestHead(256 + body.length);
        String method = call.method();
        if (method.isEmpty() || !token(method)) {
            throw new IllegalArgumentException("an HTTP method that is not a token");
        }
        out.ascii(method).ascii(" ");
        String path = uri.getRawPath();
        out.text(path == null || path.isEmpty() ? "/" : path, "path");
        if (uri.getRawQuery() != null) {
            out.ascii("?").text(uri.getRawQuery(), "query");
        }
        out.ascii(" HTTP/1.1\r\nHost: ").text(origin.authority(), "host").ascii("\r\n");
        for (Map.Entry<String, String> header : call.headers().entrySet()) {
            String name = header.getKey();
            if (!name.isEmpty() && token(name) && !framing(name)) {
                out.ascii(name).ascii(": ").text(header.getValue(), "header " + name).ascii("\r\n");
            } else if (!framing(name)) {
                throw new IllegalArgumentException("a request header name that is not a token");
            }
        }
        if (body.length > 0 || !method.equals("GET")) {
            out.ascii("Content-Length: ").ascii(Integer.toString(body.length)).ascii("\r\n");
        }
        out.ascii("\r\n").raw(body);
        return out;
    }

    /** Writes the whole request in one write. */
    void writeTo(OutputStream output) throws IOException {
        output.write(bytes, 0, length);
        output.flush();
    }

    static boolean tokenChar(char c) {
        return c < 128 && TOKEN[c];
    }

    private static boolean token(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!tokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean framing(String name) {
        return name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Content-Length")
                || name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Transfer-Encoding")
                || name.equalsIgnoreCase("Expect") || name.equalsIgnoreCase("Upgrade");
    }

    /** Text known to be ASCII (constants, tokens). */
    private RequestHead ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
        return this;
    }

    /** Text from outside: ISO-8859-1 without control characters (no CR, LF, NUL). */
    private RequestHead text(String s, String what) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("a control or non-Latin-1 character in the request's " + what);
            }
            bytes[length++] = (byte) c;
        }
        return this;
    }

    private void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, length, b.length);
        length += b.length;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
