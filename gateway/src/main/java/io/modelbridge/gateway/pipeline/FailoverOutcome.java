package io.modelbridge.gateway.pipeline;

import java.util.Optional;

/**
 * What {@link Failover#run} did: a target served the call, or the call failed. Either way it names the target that
 * was tried last (for the response headers and the usage row), so nothing has to be told along the way.
 */
public sealed interface FailoverOutcome<T> {

    /** The target (and plugin version) that answered, and its answer. */
    record Served<T>(ServingTarget servedBy, T value) implements FailoverOutcome<T> {}

    /**
     * No target served the call. {@code error} is the client-facing failure: a
     * {@link io.modelbridge.gateway.error.GatewayException}, or a {@link io.modelbridge.gateway.error.ClientGoneException} when the client left
     * while the answer was being written. {@code lastTried} is empty when no target was ever called.
     */
    record Failed<T>(Optional<ServingTarget> lastTried, RuntimeException error) implements FailoverOutcome<T> {}

    /** The target tried last, whatever the outcome. */
    default Optional<ServingTarget> target() {
        return switch (this) {
            case Served<T> served -> Optional.of(served.servedBy());
            case Failed<T> failed -> failed.lastTried();
        };
    }

    /** The served answer; a failure is thrown as its client-facing error. */
    default Served<T> servedOrThrow() {
        return switch (this) {
            case Served<T> served -> served;
            case Failed<T> failed -> throw failed.error();
        };
    }
}
