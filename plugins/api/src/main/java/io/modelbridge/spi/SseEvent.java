package io.modelbridge.spi;

/** One server-sent event: {@code event} is "message" when the server named none; {@code id} may be null. */
public record SseEvent(String event, String data, String id) {}
