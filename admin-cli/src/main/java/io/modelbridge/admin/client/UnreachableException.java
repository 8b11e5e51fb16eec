package io.modelbridge.admin.client;

/** The admin API could not be reached, or what answered is not one. */
public final class UnreachableException extends RuntimeException {
    public UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
