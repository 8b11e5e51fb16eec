package io.modelbridge.gateway.pipeline;

/**
 * The id of the request the current thread serves (each request has its own virtual thread), so log lines deep in
 * the pipeline can name it without every method passing it along.
 */
public final class RequestContext {
    private static final ThreadLocal<String> ID = new ThreadLocal<>();

    private RequestContext() {}

    /** Binds {@code requestId} to this thread until the returned scope is closed. */
    public static Scope open(String requestId) {
        ID.set(requestId);
        return ID::remove;
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
