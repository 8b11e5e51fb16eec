package io.modelbridge.spi;

/** Thrown by adapters and transports for every classified failure of a vendor call. */
public final class ProviderException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ProviderFailure failure;

    public ProviderException(ProviderFailure failure) {
        super(failure.kind() + ": " + failure.message(), null, false, false);
        this.failure = failure;
    }

    public ProviderException(ProviderFailure failure, Throwable cause) {
        super(failure.kind() + ": " + failure.message(), cause, false, false);
        this.failure = failure;
    }

    public ProviderFailure failure() {
        return failure;
    }
}
