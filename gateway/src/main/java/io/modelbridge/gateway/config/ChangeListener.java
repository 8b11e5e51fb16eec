package io.modelbridge.gateway.config;

/**
 * Told after every committed admin change, so in-memory snapshots and caches are rebuilt: directly on the instance
 * that made the change, and on every instance through PostgreSQL NOTIFY on {@link #CHANNEL} (payload: the topic).
 */
@FunctionalInterface
public interface ChangeListener {
    /** The PostgreSQL LISTEN/NOTIFY channel of admin changes. */
    String CHANNEL = "modelbridge_changes";

    void changed(Topic topic);

    /** What changed; QUOTA is a grant or adjustment of a user's balance. */
    enum Topic { USERS, KEYS, ROUTES, LIMITS, PRICES, QUOTA }
}
