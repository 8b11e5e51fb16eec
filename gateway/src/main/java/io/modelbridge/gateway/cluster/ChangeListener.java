package io.modelbridge.gateway.cluster;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Told after every committed admin change, so in-memory snapshots and caches are rebuilt: directly on the instance
 * that made the change, and on every instance by its {@link ChangeFeed} (PostgreSQL NOTIFY, payload: the topic).
 */
@FunctionalInterface
public interface ChangeListener {
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
