package io.modelbridge.gateway.auth;

import io.modelbridge.db.repo.ApiKeyRepository;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps each key's last-used time in memory and writes them in one batch per flush, off the request path. */
public final class LastUsedTracker {
    private static final Logger LOG = LoggerFactory.getLogger(LastUsedTracker.class);
    private final ConcurrentHashMap<Long, Instant> pending = new ConcurrentHashMap<>();
    private final ApiKeyRepository keys;

    public LastUsedTracker(ApiKeyRepository keys) {
        this.keys = keys;
    }

    void touch(long keyId, Instant at) {
        pending.merge(keyId, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<Long, Instant> batch = new HashMap<>();
        for (Long id : pending.keySet()) {
            Instant at = pending.remove(id);
            if (at != null) {
                batch.put(id, at);
            }
        }
        try {
            keys.touchLastUsed(batch);
        } catch (RuntimeException | AssertionError e) { // pgjdbc: AssertionError on a connection cut mid-batch
            batch.forEach(this::touch);
            LOG.warn("Could not record key last-used times, will retry: {}", e.getMessage());
        }
    }
}
