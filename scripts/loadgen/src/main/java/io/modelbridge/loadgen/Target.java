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
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    static Target parse(String name, String hostPort, String bearer) {
        int colon = hostPort.lastIndexOf(':');
        return new Target(name, new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1))), bearer);
    }

    /**
     * The JDK client a phase's workers share: HTTP/1.1 only (no h2c upgrade offer), keep-alive, one connection per
     * request in flight, kept in its pool between requests. Closing it closes the connections.
     */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    HttpRequest chat() {
        return request(MODEL, false).timeout(TIMEOUT).build();
    }

    HttpRequest stream() {
        return request(MODEL, true).timeout(TIMEOUT).build();
    }

    /** No timeout: a slow stream stays open until the run closes it. */
    HttpRequest slowStream() {
        return request(SLOW_MODEL, true).build();
    }

    private HttpRequest.Builder request(String model, boolean stream) {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Say hello in five words.\"}],\"max_tokens\":64" + (stream ? ",\"stream\":true" : "") + "}";
        return HttpRequest.newBuilder(URI.create("http://" + address.getHostString() + ":" + address.getPort()
                        + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)));
    }
}
