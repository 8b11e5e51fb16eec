package io.modelbridge.gateway.error;

/** The client closed the connection while we were writing to it; nothing more can be sent. */
public final class ClientGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClientGoneException(Throwable cause) {
        super("client disconnected", cause, false, false);
    }
}
