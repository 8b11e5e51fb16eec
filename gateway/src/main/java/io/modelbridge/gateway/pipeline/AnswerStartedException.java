package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.error.ClientGoneException;

/**
 * An attempt failed after its answer began to reach the client (a stream's first event was sent): the failure is
 * final, no other target may be tried. {@link Failover} classifies it by its cause, as any other failure.
 */
public final class AnswerStartedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private AnswerStartedException(RuntimeException cause) {
        super(cause.getMessage(), cause, false, false);
    }

    /**
     * Marks {@code failure} as happening after the answer began. A client that left, or a failure the gateway
     * already made client-facing, is final anyway and is returned as it is.
     */
    public static RuntimeException wrap(RuntimeException failure) {
        if (failure instanceof ClientGoneException || failure instanceof AnswerStartedException
                || failure instanceof io.modelbridge.gateway.error.GatewayException) {
            return failure;
        }
        return new AnswerStartedException(failure);
    }

    /** The failure itself, unwrapped when it was marked. */
    static RuntimeException cause(RuntimeException failure) {
        return failure instanceof AnswerStartedException started ? (RuntimeException) started.getCause() : failure;
    }
}
