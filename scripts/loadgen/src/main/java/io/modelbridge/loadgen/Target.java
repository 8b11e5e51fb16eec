package io.modelbridge.loadgen;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One path the load goes through: {@code floor} (straight to the fake upstream), {@code nginx} or
 * {@code modelbridge}. Every path gets byte-for-byte the same requests but for the bearer key.
 */
record Target(String name, InetSocketAddress address, String bearer) {
    static final String MODEL = "bench";
    static final String SLOW_MODEL = "bench-slow";
    private static final String PATH = "/v1/chat/completions";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    static Target parse(String name, String hostPort, String bearer) {
        int colon = hostPort.lastIndexOf(':');
        return new Target(name, new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1))), bearer);
    }

    /** The chat request of the measured loops as it goes on the wire, head and body. */
    byte[] chat() {
        return request(false);
    }

    /** The same, streamed. */
    byte[] stream() {
        return request(true);
    }

    /**
     * The client of the slow streams: the JDK's, whose asynchronous API reads thousands of idle streams without a
     * thread each. HTTP/1.1 only (no h2c upgrade offer).
     */
    static HttpClient asyncClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    /** No timeout: a slow stream stays open until the run closes it. */
    HttpRequest slowStream() {
        return HttpRequest.newBuilder(URI.create("http://" + address.getHostString() + ":" + address.getPort() + PATH))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(SLOW_MODEL, true))).build();
    }

    private byte[] request(boolean stream) {
        byte[] body = body(MODEL, stream);
        byte[] head = ("POST " + PATH + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nAuthorization: Bearer " + bearer + "\r\nContent-Type: application/json\r\nAccept: "
                + (stream ? "text/event-stream" : "application/json") + "\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static byte[] body(String model, boolean stream) {
        return ("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Say hello in five words.\"}],\"max_tokens\":64" + (stream ? ",\"stream\":true" : "") + "}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
