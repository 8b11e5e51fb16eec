package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.limits.BodyMemory;

/**
 * The id of the request the current thread serves (each request has its own virtual thread), so log lines deep in
 * the pipeline can name it without every method passing it along; and its share of the body memory, from which the
 * upstream client and the Responses store take the room of what they read.
 */
public final class RequestContext {
    private static final ThreadLocal<String> ID = new ThreadLocal<>();
    private static final ThreadLocal<BodyMemory.Hold> MEMORY = new ThreadLocal<>();

    private RequestContext() {}

    /** Binds {@code requestId} to this thread until the returned scope is closed. */
    public static Scope open(String requestId) {
        ID.set(requestId);
        return ID::remove;
    }

    /** Binds {@code requestId} and the request's body memory to this thread until the returned scope is closed. */
    public static Scope open(String requestId, BodyMemory.Hold memory) {
        ID.set(requestId);
        MEMORY.set(memory);
        return () -> {
            ID.remove();
            MEMORY.remove();
        };
    }

    /** The current request's share of the body memory, or null outside a request (an admin probe, a test). */
    public static BodyMemory.Hold memory() {
        return MEMORY.get();
    }

    /** The current request's id, or "-" outside a request. */
    public static String id() {
        String id = ID.get();
        return id == null ? "-" : id;
    }

    /** A bound request id; closing it unbinds it. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
