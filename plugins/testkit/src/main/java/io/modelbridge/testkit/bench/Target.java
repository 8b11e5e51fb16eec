package io.modelbridge.testkit.bench;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * One path the load goes through: {@code floor} (straight to the fake upstream), {@code nginx} or
 * {@code modelbridge}. Every path gets byte-for-byte the same requests but for the bearer key.
 */
record Target(String name, InetSocketAddress address, String bearer) {
    static final String MODEL = "bench";
    static final String SLOW_MODEL = "bench-slow";

    static Target parse(String name, String hostPort, String bearer) {
        int colon = hostPort.lastIndexOf(':');
        return new Target(name, new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1))), bearer);
    }

    byte[] chat() {
        return request(MODEL, false);
    }

    byte[] stream() {
        return request(MODEL, true);
    }

    byte[] slowStream() {
        return request(SLOW_MODEL, true);
    }

    private byte[] request(String model, boolean stream) {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Say hello in five words.\"}],\"max_tokens\":64" + (stream ? ",\"stream\":true" : "") + "}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nAuthorization: Bearer " + bearer + "\r\nContent-Type: application/json\r\nAccept: "
                + (stream ? "text/event-stream" : "application/json") + "\r\nContent-Length: " + bytes.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + bytes.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
        return all;
    }
}
