package io.modelbridge.gateway.cluster;

/**
 * This instance must not join the instances already on the database (its MB_INSTANCE_ID is taken by a live
 * instance, or its MB_RATE_LIMITS differs from theirs): a configuration error, so the gateway exits non-zero.
 */
public final class ClusterConflict extends IllegalArgumentException {
    public ClusterConflict(String message) {
        super(message);
    }
}
