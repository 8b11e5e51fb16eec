package io.modelbridge.admin;

/** Input that is not the server's to judge: an unreadable or invalid apply file, a missing environment variable. */
public final class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }
}
