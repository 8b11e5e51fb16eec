package io.modelbridge.gateway.config;

/** Told after every committed admin change, so in-memory snapshots and caches are rebuilt. */
@FunctionalInterface
public interface ChangeListener {

    void changed(Topic topic);

    /** What changed. */
    enum Topic { USERS, KEYS, ROUTES, LIMITS, PRICES }
}
