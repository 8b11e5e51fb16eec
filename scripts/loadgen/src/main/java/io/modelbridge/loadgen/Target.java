package io.modelbridge.loadgen;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
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
    private static final byte[] CHAT = body(MODEL, false);
    private static final byte[] STREAM = body(MODEL, true);

    static Target parse(String name, String hostPort, String bearer) {
        int colon = hostPort.lastIndexOf(':');
        return new Target(name, new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1))), bearer);
    }

    /**
     * The client of the measured loops: Helidon's blocking HTTP/1.1 client (the cheapest per request of the two
     * library clients, see docs/benchmarks.md), keep-alive, TCP_NODELAY, its own cache of up to {@code workers} idle
     * connections, so each worker finds one. Close it with {@code closeResource()}.
     */
    Http1Client client(int workers) {
        return Http1Client.builder().baseUri(URI.create("http://" + address.getHostString() + ":" + address.getPort()))
                .shareConnectionCache(false).connectionCacheSize(workers).socketOptions(o -> o.tcpNoDelay(true))
                .connectTimeout(TIMEOUT).readTimeout(TIMEOUT).build();
    }

    /** Sends the chat request, streamed or not; the caller reads the response and closes it. */
    HttpClientResponse send(Http1Client client, boolean stream) {
        return client.post(PATH).header(HeaderNames.AUTHORIZATION, "Bearer " + bearer)
                .header(HeaderNames.ACCEPT, stream ? "text/event-stream" : "application/json")
                .contentType(MediaTypes.APPLICATION_JSON).submit(stream ? STREAM : CHAT);
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

    private static byte[] body(String model, boolean stream) {
        return ("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Say hello in five words.\"}],\"max_tokens\":64" + (stream ? ",\"stream\":true" : "") + "}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
