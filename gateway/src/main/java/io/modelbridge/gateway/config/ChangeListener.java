package io.modelbridge.gateway.config;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Told after every committed admin change, so in-memory snapshots and caches are rebuilt: directly on the instance
 * that made the change, and on every instance through PostgreSQL NOTIFY on {@link #CHANNEL} (payload: the topic).
 */
@FunctionalInterface
public interface ChangeListener {
    /** The PostgreSQL LISTEN/NOTIFY channel of admin changes (of the tables in schema public). */
    String CHANNEL = "modelbridge_changes";

    /**
     * The channel of the deployment whose tables are in {@code schema}: channels are per database, not per schema,
     * so deployments in two schemas of one database must not hear each other's changes. At most 63 characters, the
     * longest name PostgreSQL takes ({@code schema} is a plain lower-case name, see PostgresUrl).
     */
    static String channel(String schema) {
        String channel = schema.equals("public") ? CHANNEL : CHANNEL + "_" + schema;
        return channel.length() <= 63 ? channel : channel.substring(0, 63);
    }

    void changed(Topic topic);

    /**
     * This listener, one change at a time. The admin thread and the change feed both reload snapshots; serialized,
     * a reload that started later also finishes later, so a stale snapshot never replaces a fresh one.
     */
    static ChangeListener serialized(ChangeListener listener) {
        ReentrantLock lock = new ReentrantLock();
        return topic -> {
            lock.lock();
            try {
                listener.changed(topic);
            } finally {
                lock.unlock();
            }
        };
    }

    /** What changed; QUOTA is a grant or adjustment of a user's balance. */
    enum Topic { USERS, KEYS, ROUTES, LIMITS, PRICES, QUOTA }
}
